// The usual shape of a Node.js Lambda handler that works with DynamoDB: the SDK client is built
// once at init, outside the handler, so that warm invocations reuse it.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export const client = new DynamoDBClient({});

export const handler = async () => ({
  statusCode: 200,
  headers: { "content-type": "text/plain" },
  body: "ok",
});
