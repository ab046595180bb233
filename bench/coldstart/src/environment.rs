//! The environment a function starts with: what `template.yaml` gives it (the `Globals` and its
//! own `Environment`), the variables Lambda itself sets, dummy credentials, and every AWS
//! endpoint pointed at the local fake. Nothing is inherited from the shell that runs the tool.

use std::collections::BTreeMap;

pub const REGION: &str = "eu-north-1";
pub const ACCOUNT: &str = "123456789012";

/// `Globals.Function.Environment` of template.yaml, with values shaped like the stack's.
const TEMPLATE_GLOBALS: &[(&str, &str)] = &[
    ("VEDTAK_TABLE", "vedtak-prod-Table-1A2B3C4D5E6F"),
    ("VEDTAK_BUCKET", "vedtak-prod-documentsbucket-1a2b3c4d5e6f"),
    (
        "VEDTAK_BASE_URL",
        "https://a1b2c3d4e5.execute-api.eu-north-1.amazonaws.com",
    ),
    ("VEDTAK_MAIL_FROM", "vedtak <noreply@example.no>"),
    (
        "VEDTAK_KEYS_SECRET_ARN",
        "arn:aws:secretsmanager:eu-north-1:123456789012:secret:SigningKeysSecret-AbCdEf",
    ),
    ("RUST_LOG", "info"),
];

/// The stream and scheduler functions' own `Environment` in template.yaml.
const TEMPLATE_WEBHOOK_DLQ: (&str, &str) = (
    "VEDTAK_WEBHOOK_DLQ_URL",
    "https://sqs.eu-north-1.amazonaws.com/123456789012/vedtak-prod-WebhookDeadLetterQueue-AbCdEf",
);

/// Each service's endpoint variable; the general one covers any service not named here.
/// Secrets Manager is spelled both ways: the SDK's is `SECRETS_MANAGER`.
const ENDPOINT_VARIABLES: &[&str] = &[
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL_SESV2",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "AWS_ENDPOINT_URL_SECRETSMANAGER",
    "AWS_ENDPOINT_URL_SQS",
    "AWS_ENDPOINT_URL_STS",
];

/// Which of template.yaml's variables a function gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateVariables {
    /// Globals only: the api function.
    Globals,
    /// Globals and the webhook dead-letter queue: stream and scheduler.
    GlobalsAndWebhookDlq,
    /// Nothing from the template: the hello-world floor and the Node.js handler.
    None,
}

/// Where the function runs from and how Lambda would name it.
pub struct Placement<'a> {
    pub function_name: &'a str,
    pub handler: &'a str,
    pub task_root: &'a str,
    /// `AWS_EXECUTION_ENV`, which Lambda sets for its managed runtimes (Node.js) only.
    pub execution_env: Option<&'a str>,
}

pub fn function_arn(function_name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name}")
}

/// The complete environment of one spawn.
pub fn build(
    template: TemplateVariables,
    placement: &Placement,
    runtime_api: &str,
    aws_endpoint: &str,
) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    let mut set = |name: &str, value: &str| {
        vars.insert(name.to_owned(), value.to_owned());
    };
    if template != TemplateVariables::None {
        TEMPLATE_GLOBALS.iter().for_each(|(name, value)| set(name, value));
    }
    if template == TemplateVariables::GlobalsAndWebhookDlq {
        set(TEMPLATE_WEBHOOK_DLQ.0, TEMPLATE_WEBHOOK_DLQ.1);
    }
    let name = placement.function_name;
    set("AWS_LAMBDA_RUNTIME_API", runtime_api);
    set("AWS_REGION", REGION);
    set("AWS_DEFAULT_REGION", REGION);
    set("AWS_LAMBDA_FUNCTION_NAME", name);
    set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256");
    set("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    set("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    set("AWS_LAMBDA_LOG_GROUP_NAME", &format!("/aws/lambda/{name}"));
    set(
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
    );
    set("_HANDLER", placement.handler);
    set("LAMBDA_TASK_ROOT", placement.task_root);
    set("LAMBDA_RUNTIME_DIR", "/var/runtime");
    set("TZ", ":UTC");
    set("LANG", "en_US.UTF-8");
    set("PATH", "/usr/local/bin:/usr/bin:/bin");
    set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    set("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    set("AWS_SESSION_TOKEN", "coldstart-dummy-session-token");
    if let Some(execution_env) = placement.execution_env {
        set("AWS_EXECUTION_ENV", execution_env);
    }
    ENDPOINT_VARIABLES.iter().for_each(|name| set(name, aws_endpoint));
    vars
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The variable names template.yaml sets under any `Variables:` block.
    fn template_names() -> Vec<String> {
        let template = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml")).unwrap();
        let mut names = Vec::new();
        let mut in_variables = false;
        for line in template.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("Variables:") {
                in_variables = true;
            } else if in_variables && !trimmed.starts_with('#') {
                match trimmed.split_once(':') {
                    Some((name, _)) if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') => {
                        names.push(name.to_owned())
                    }
                    _ => in_variables = false,
                }
            }
        }
        names
    }

    #[test]
    fn the_functions_get_every_variable_the_template_sets_and_no_other() {
        let mut ours: Vec<String> = TEMPLATE_GLOBALS.iter().map(|(n, _)| n.to_string()).collect();
        ours.push(TEMPLATE_WEBHOOK_DLQ.0.to_owned());
        let mut theirs = template_names();
        ours.sort();
        theirs.sort();
        theirs.dedup();
        assert_eq!(ours, theirs, "template.yaml's variables changed: update environment.rs");
    }
}
