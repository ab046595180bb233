// A minimal Lambda Runtime API loop in plain Node.js, so the Node.js handler is spawned and
// timed by the same tool as the Rust functions. Lambda's own runtime client does more (logging,
// streaming, X-Ray), so a start measured with this loop is, if anything, quicker than Lambda's.
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";

const api = process.env.AWS_LAMBDA_RUNTIME_API;
const base = "/2018-06-01/runtime";
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, route, body) {
  return new Promise((resolve, reject) => {
    const [host, port] = api.split(":");
    const headers = body === undefined ? {} : { "content-type": "application/json" };
    const req = http.request({ host, port, method, path: base + route, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const error = (e) => JSON.stringify({ errorType: e?.name ?? "Error", errorMessage: String(e?.message ?? e) });

let handler;
try {
  const [file, name] = process.env._HANDLER.split(".");
  const module = await import(pathToFileURL(path.join(process.env.LAMBDA_TASK_ROOT, `${file}.mjs`)).href);
  handler = module[name];
} catch (e) {
  await call("POST", "/init/error", error(e));
  process.exit(1);
}

for (;;) {
  const next = await call("GET", "/invocation/next");
  const id = next.headers["lambda-runtime-aws-request-id"];
  const deadline = Number(next.headers["lambda-runtime-deadline-ms"]);
  process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"] ?? "";
  const context = {
    awsRequestId: id,
    invokedFunctionArn: next.headers["lambda-runtime-invoked-function-arn"],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    const result = await handler(JSON.parse(next.body), context);
    await call("POST", `/invocation/${id}/response`, JSON.stringify(result ?? null));
  } catch (e) {
    await call("POST", `/invocation/${id}/error`, error(e));
  }
}
