//! The functions measured, each with the first event it gets. Every event is one the function
//! answers without AWS, except the scheduler's: each sweep starts by querying DynamoDB, so its
//! queries are answered by the local fake (an empty table) and counted.

use crate::environment::{self, Placement, TemplateVariables};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Api,
    Stream,
    Scheduler,
    /// lambda_runtime answering with its event: the floor for a Rust function.
    HelloWorld,
    /// A Node.js handler that builds an AWS SDK v3 DynamoDB client at init.
    Node,
}

pub struct Function {
    pub kind: Kind,
    /// The name in the results (the binary's, or `node`).
    pub name: String,
    pub program: PathBuf,
    pub args: Vec<String>,
    task_root: String,
}

impl Function {
    /// One of the Rust binaries in `bin_dir` (target/release).
    pub fn rust(kind: Kind, bin_dir: &Path) -> Function {
        let name = match kind {
            Kind::Api => "vedtak-api",
            Kind::Stream => "vedtak-stream",
            Kind::Scheduler => "vedtak-scheduler",
            Kind::HelloWorld => "vedtak-coldstart-hello",
            Kind::Node => panic!("the Node.js handler is not a Rust binary"),
        };
        Function::from_program(kind, name, bin_dir.join(name), Vec::new(), "/var/task")
    }

    /// The handler in `node_dir` (bench/node), run by its own bootstrap under `node`.
    pub fn node(node: PathBuf, node_dir: &Path) -> Function {
        let bootstrap = node_dir.join("bootstrap.mjs").display().to_string();
        Function::from_program(
            Kind::Node,
            "node",
            node,
            vec![bootstrap],
            &node_dir.display().to_string(),
        )
    }

    pub fn from_program(kind: Kind, name: &str, program: PathBuf, args: Vec<String>, task_root: &str) -> Function {
        Function {
            kind,
            name: name.to_owned(),
            program,
            args,
            task_root: task_root.to_owned(),
        }
    }

    /// The name Lambda would know it by in a stack called `vedtak-prod`.
    pub fn function_name(&self) -> String {
        match self.kind {
            Kind::Api => "vedtak-prod-api".into(),
            Kind::Stream => "vedtak-prod-stream".into(),
            Kind::Scheduler => "vedtak-prod-scheduler".into(),
            Kind::HelloWorld => "hello-world".into(),
            Kind::Node => "node-dynamodb".into(),
        }
    }

    pub fn environment(&self, runtime_api: &str, aws_endpoint: &str) -> BTreeMap<String, String> {
        let template = match self.kind {
            Kind::Api => TemplateVariables::Globals,
            Kind::Stream | Kind::Scheduler => TemplateVariables::GlobalsAndWebhookDlq,
            Kind::HelloWorld | Kind::Node => TemplateVariables::None,
        };
        let function_name = self.function_name();
        let placement = Placement {
            function_name: &function_name,
            handler: if self.kind == Kind::Node {
                "index.handler"
            } else {
                "bootstrap"
            },
            task_root: &self.task_root,
            execution_env: (self.kind == Kind::Node).then_some("AWS_Lambda_nodejs20.x"),
        };
        environment::build(template, &placement, runtime_api, aws_endpoint)
    }

    pub fn first_event(&self) -> Value {
        match self.kind {
            Kind::Api => health_check_request(),
            // A batch of nothing: the dispatcher has no record to act on and answers at once.
            Kind::Stream => json!({ "Records": [] }),
            // What the SweepSchedule in template.yaml sends.
            Kind::Scheduler => json!({ "source": "vedtak.sweep" }),
            Kind::HelloWorld | Kind::Node => json!({ "hello": "world" }),
        }
    }

    /// Whether the function's answer is the one its event asks for (not an error page).
    pub fn answer_is_right(&self, body: &str) -> bool {
        let answer: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        match self.kind {
            Kind::Api | Kind::Node => answer["statusCode"] == 200,
            Kind::Stream => answer["batchItemFailures"] == json!([]),
            Kind::Scheduler => answer["lapsed"] == 0 && answer["effects_done"] == 0,
            Kind::HelloWorld => answer == self.first_event(),
        }
    }
}

/// `GET /healthz` as API Gateway's HTTP API delivers it (payload format 2.0): a route that
/// touches neither the table nor the bucket nor the keys.
fn health_check_request() -> Value {
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/healthz",
        "rawQueryString": "",
        "headers": {
            "accept": "*/*",
            "host": "a1b2c3d4e5.execute-api.eu-north-1.amazonaws.com",
            "user-agent": "vedtak-coldstart",
            "x-forwarded-for": "192.0.2.10",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https"
        },
        "requestContext": {
            "accountId": environment::ACCOUNT,
            "apiId": "a1b2c3d4e5",
            "domainName": "a1b2c3d4e5.execute-api.eu-north-1.amazonaws.com",
            "domainPrefix": "a1b2c3d4e5",
            "http": {
                "method": "GET",
                "path": "/healthz",
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.10",
                "userAgent": "vedtak-coldstart"
            },
            "requestId": "coldstart-request",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 1767225600000u64
        },
        "isBase64Encoded": false
    })
}
