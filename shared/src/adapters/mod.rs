//! Adapters: the ports implemented against real things. `embedded` (redb) and `files` keep local
//! mode's state on disk, `eml` writes e-mails as files, `memory` is for unit tests,
//! `secretsmanager` reads the signing keys on AWS, `sqs` puts failed webhook deliveries into a
//! dead-letter queue there, and `contract` is the test suite every `Store` and `Documents`
//! adapter must pass, so a new backend (DynamoDB, S3) is held to exactly the same semantics as
//! the embedded one.

pub mod aws_schema;
pub mod contract;
#[cfg(feature = "aws")]
pub mod dynamodb;
pub mod embedded;
pub mod eml;
pub mod files;
pub mod http_webhooks;
pub mod memory;
#[cfg(feature = "aws")]
pub mod s3;
#[cfg(feature = "aws")]
mod sdk_errors;
#[cfg(feature = "aws")]
pub mod secretsmanager;
#[cfg(feature = "aws")]
pub mod ses;
#[cfg(feature = "aws")]
pub mod sqs;
