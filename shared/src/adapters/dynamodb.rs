//! DynamoDB `Store`: being written.
