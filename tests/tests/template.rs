//! `template.yaml` deploys exactly the table and bucket the code expects
//! (`vedtak::adapters::aws_schema`), and builds every function the way Lambda runs it.
//!
//! The template is read as plain YAML: CloudFormation's short forms (`!Ref`, `!GetAtt`,
//! `!Sub`, `!If`...) arrive as tagged values, so nothing has to be resolved to compare.

use std::collections::{BTreeMap, BTreeSet};

use serde_norway::Value;
use vedtak::adapters::aws_schema::{bucket, table};

const TEMPLATE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml");

const BINARIES: [&str; 3] = ["vedtak-api", "vedtak-stream", "vedtak-scheduler"];

fn template() -> Value {
    let text = std::fs::read_to_string(TEMPLATE).unwrap_or_else(|e| panic!("{TEMPLATE}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{TEMPLATE} is not YAML: {e}"))
}

fn resource<'a>(template: &'a Value, name: &str) -> &'a Value {
    let resource = &template["Resources"][name];
    assert!(resource.is_mapping(), "template.yaml has no resource {name}");
    resource
}

fn resources_of_type<'a>(template: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    template["Resources"]
        .as_mapping()
        .expect("Resources")
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .map(|(name, r)| (name.as_str().expect("resource name"), r))
        .collect()
}

fn str_of<'a>(value: &'a Value, what: &str) -> &'a str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what} should be a plain string, is {value:?}"))
}

/// `[{AttributeName, KeyType}]` as `[(name, type)]`, in order (HASH first matters).
fn key_schema(value: &Value) -> Vec<(String, String)> {
    value
        .as_sequence()
        .expect("KeySchema is a list")
        .iter()
        .map(|k| {
            (
                str_of(&k["AttributeName"], "AttributeName").to_owned(),
                str_of(&k["KeyType"], "KeyType").to_owned(),
            )
        })
        .collect()
}

fn hash_range(hash: &str, range: &str) -> Vec<(String, String)> {
    vec![
        (hash.to_owned(), "HASH".to_owned()),
        (range.to_owned(), "RANGE".to_owned()),
    ]
}

/// The (single) tagged value `!Tag value`, as (tag, value).
fn tagged(value: &Value) -> Option<(String, &Value)> {
    match value {
        Value::Tagged(t) => Some((t.tag.to_string().trim_start_matches('!').to_owned(), &t.value)),
        _ => None,
    }
}

fn is_ref_to(value: &Value, target: &str) -> bool {
    matches!(tagged(value), Some((tag, v)) if tag == "Ref" && v.as_str() == Some(target))
}

#[test]
fn the_table_in_the_template_is_the_table_the_code_expects() {
    let template = template();
    let tables = resources_of_type(&template, "AWS::DynamoDB::Table");
    assert_eq!(
        tables.len(),
        1,
        "one table, found {:?}",
        tables.iter().map(|t| t.0).collect::<Vec<_>>()
    );
    let t = resource(&template, "Table");
    let p = &t["Properties"];

    assert_eq!(
        key_schema(&p["KeySchema"]),
        hash_range(table::PARTITION_KEY, table::SORT_KEY)
    );

    let attributes: BTreeMap<String, String> = p["AttributeDefinitions"]
        .as_sequence()
        .expect("AttributeDefinitions is a list")
        .iter()
        .map(|a| {
            (
                str_of(&a["AttributeName"], "AttributeName").to_owned(),
                str_of(&a["AttributeType"], "AttributeType").to_owned(),
            )
        })
        .collect();
    let expected: BTreeMap<String, String> = [
        table::PARTITION_KEY,
        table::SORT_KEY,
        table::DUE_PARTITION_KEY,
        table::DUE_SORT_KEY,
    ]
    .into_iter()
    .map(|name| (name.to_owned(), "S".to_owned()))
    .collect();
    assert_eq!(
        attributes, expected,
        "every key attribute, as a string, and nothing else"
    );
    assert_eq!(
        p["AttributeDefinitions"].as_sequence().unwrap().len(),
        expected.len(),
        "no duplicates"
    );

    assert_eq!(p["BillingMode"], table::BILLING_MODE);

    let indexes = p["GlobalSecondaryIndexes"]
        .as_sequence()
        .expect("GlobalSecondaryIndexes is a list");
    assert_eq!(indexes.len(), 1, "exactly the one index the code queries");
    let due = &indexes[0];
    assert_eq!(due["IndexName"], table::DUE_INDEX);
    assert_eq!(
        key_schema(&due["KeySchema"]),
        hash_range(table::DUE_PARTITION_KEY, table::DUE_SORT_KEY)
    );
    assert_eq!(
        due["Projection"]["ProjectionType"], "ALL",
        "the sweep reads whole items from the index"
    );
    assert!(p["LocalSecondaryIndexes"].is_null(), "no local indexes");

    assert_eq!(p["StreamSpecification"]["StreamViewType"], table::STREAM_VIEW_TYPE);
    assert_eq!(p["TimeToLiveSpecification"]["AttributeName"], table::TTL_ATTRIBUTE);
    assert_eq!(p["TimeToLiveSpecification"]["Enabled"], true);
    assert_eq!(
        p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    assert_eq!(p["SSESpecification"]["SSEEnabled"], true);
    assert_eq!(p["DeletionProtectionEnabled"], true);
    assert_eq!(
        t["DeletionPolicy"], "Retain",
        "deleting the stack never deletes the histories"
    );
    assert_eq!(t["UpdateReplacePolicy"], "Retain");
}

#[test]
fn the_document_bucket_locks_every_version_blocks_public_access_and_refuses_plain_http() {
    let template = template();
    let b = resource(&template, "DocumentsBucket");
    assert_eq!(b["Type"], "AWS::S3::Bucket");
    let p = &b["Properties"];

    assert_eq!(p["ObjectLockEnabled"], true);
    assert_eq!(p["ObjectLockConfiguration"]["ObjectLockEnabled"], "Enabled");
    let retention = &p["ObjectLockConfiguration"]["Rule"]["DefaultRetention"];
    assert_eq!(retention["Mode"], bucket::OBJECT_LOCK_MODE);
    assert_eq!(retention["Days"], i64::from(bucket::OBJECT_LOCK_DAYS));
    assert!(
        retention["Years"].is_null(),
        "retention in days only, as aws_schema says"
    );
    assert_eq!(p["VersioningConfiguration"]["Status"], "Enabled");

    let block = &p["PublicAccessBlockConfiguration"];
    for setting in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block[setting], true, "PublicAccessBlockConfiguration.{setting}");
    }
    let encryption = &p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0];
    assert_eq!(encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256");
    assert_eq!(
        p["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
        "BucketOwnerEnforced"
    );
    assert_eq!(b["DeletionPolicy"], "Retain");
    assert_eq!(b["UpdateReplacePolicy"], "Retain");

    // A policy on this bucket denies every request that does not come over TLS.
    let policies: Vec<_> = resources_of_type(&template, "AWS::S3::BucketPolicy")
        .into_iter()
        .filter(|(_, policy)| is_ref_to(&policy["Properties"]["Bucket"], "DocumentsBucket"))
        .collect();
    assert_eq!(policies.len(), 1, "one bucket policy on DocumentsBucket");
    let statements = policies[0].1["Properties"]["PolicyDocument"]["Statement"]
        .as_sequence()
        .expect("Statement");
    let tls_only = statements.iter().find(|s| {
        s["Effect"] == "Deny"
            && s["Principal"] == "*"
            && s["Action"] == "s3:*"
            && s["Condition"]["Bool"]["aws:SecureTransport"] == "false"
    });
    let tls_only = tls_only.expect("a Deny of s3:* to everyone when aws:SecureTransport is false");
    let resources = tls_only["Resource"].as_sequence().expect("Resource is a list");
    assert_eq!(resources.len(), 2, "the bucket and its objects");
    assert!(
        resources
            .iter()
            .any(|r| matches!(tagged(r), Some((tag, v)) if tag == "GetAtt" && v == "DocumentsBucket.Arn")),
        "the bucket itself"
    );
    assert!(
        resources
            .iter()
            .any(|r| matches!(tagged(r), Some((tag, v)) if tag == "Sub" && v == "${DocumentsBucket.Arn}/*")),
        "every object in it"
    );
}

#[test]
fn every_function_is_a_cargo_lambda_build_of_one_of_our_binaries_for_arm64_on_al2023() {
    let template = template();
    let globals = &template["Globals"]["Function"];
    let functions = resources_of_type(&template, "AWS::Serverless::Function");
    assert_eq!(functions.len(), BINARIES.len(), "one function per binary");
    // A function's own property wins over the Globals one, as in SAM.
    let property = |f: &Value, name: &str| -> Value {
        let own = &f["Properties"][name];
        if own.is_null() {
            globals[name].clone()
        } else {
            own.clone()
        }
    };

    let mut built = BTreeSet::new();
    for (name, f) in functions {
        assert_eq!(property(f, "Runtime"), "provided.al2023", "{name}.Runtime");
        let architectures = property(f, "Architectures");
        assert_eq!(
            architectures,
            Value::Sequence(vec!["arm64".into()]),
            "{name}.Architectures"
        );
        assert_eq!(property(f, "Handler"), "bootstrap", "{name}.Handler");
        assert_eq!(
            f["Properties"]["CodeUri"], "./",
            "{name}: cargo lambda runs in the workspace root"
        );
        assert!(
            f["Properties"]["InlineCode"].is_null() && f["Properties"]["ImageUri"].is_null(),
            "{name}"
        );
        assert_eq!(
            f["Metadata"]["BuildMethod"], "rust-cargolambda",
            "{name}.Metadata.BuildMethod"
        );
        let binary = str_of(&f["Metadata"]["BuildProperties"]["Binary"], "BuildProperties.Binary");
        assert!(
            BINARIES.contains(&binary),
            "{name} builds {binary}, which is none of {BINARIES:?}"
        );
        assert!(built.insert(binary.to_owned()), "{binary} is built twice");
    }
    assert_eq!(
        built,
        BINARIES.iter().map(|b| b.to_string()).collect(),
        "every binary is deployed"
    );
}

#[test]
fn every_function_is_told_the_table_and_the_bucket_of_this_stack() {
    let template = template();
    let variables = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert!(
        is_ref_to(&variables["VEDTAK_TABLE"], "Table"),
        "VEDTAK_TABLE: {:?}",
        variables["VEDTAK_TABLE"]
    );
    assert!(is_ref_to(&variables["VEDTAK_BUCKET"], "DocumentsBucket"));
    for name in ["VEDTAK_BASE_URL", "VEDTAK_MAIL_FROM", "RUST_LOG"] {
        assert!(!variables[name].is_null(), "Globals set {name}");
    }
    for (name, f) in resources_of_type(&template, "AWS::Serverless::Function") {
        let own = &f["Properties"]["Environment"]["Variables"];
        for var in ["VEDTAK_TABLE", "VEDTAK_BUCKET"] {
            assert!(own[var].is_null(), "{name} must not point {var} elsewhere");
        }
    }
}

#[test]
fn the_stream_function_is_woken_only_by_new_outbox_entries_and_reports_partial_failures() {
    let template = template();
    let f = resource(&template, "StreamFunction");
    let events: Vec<_> = f["Properties"]["Events"]
        .as_mapping()
        .expect("Events")
        .values()
        .collect();
    assert_eq!(events.len(), 1);
    let event = events[0];
    assert_eq!(event["Type"], "DynamoDB");
    let p = &event["Properties"];
    assert!(matches!(tagged(&p["Stream"]), Some((tag, v)) if tag == "GetAtt" && v == "Table.StreamArn"));
    assert_eq!(
        p["FunctionResponseTypes"],
        Value::Sequence(vec!["ReportBatchItemFailures".into()])
    );
    assert_eq!(p["BisectBatchOnFunctionError"], true);
    assert!(
        matches!(tagged(&p["DestinationConfig"]["OnFailure"]["Destination"]), Some((tag, v)) if tag == "GetAtt" && v == "StreamDeadLetterQueue.Arn"),
        "failed batches go to the dead-letter queue"
    );

    // The filter is JSON inside YAML: nothing else checks that it parses.
    let filters = p["FilterCriteria"]["Filters"].as_sequence().expect("Filters");
    assert_eq!(filters.len(), 1);
    let pattern: serde_json::Value =
        serde_json::from_str(str_of(&filters[0]["Pattern"], "Pattern")).expect("the filter pattern is JSON");
    assert_eq!(pattern["eventName"], serde_json::json!(["INSERT"]));
    let key_filter = &pattern["dynamodb"]["Keys"][table::PARTITION_KEY]["S"];
    // Outbox items are `pk = OUTBOX#...`; see the DynamoDB adapter.
    assert_eq!(key_filter, &serde_json::json!([{ "prefix": "OUTBOX#" }]));
}

/// Every policy statement of every IAM role, as (role, statement).
fn role_statements(template: &Value) -> Vec<(&str, &Value)> {
    let mut all = Vec::new();
    for (name, role) in resources_of_type(template, "AWS::IAM::Role") {
        for policy in role["Properties"]["Policies"].as_sequence().into_iter().flatten() {
            for statement in policy["PolicyDocument"]["Statement"]
                .as_sequence()
                .into_iter()
                .flatten()
            {
                all.push((name, statement));
            }
        }
    }
    all
}

/// A statement's actions, whether one string or a list.
fn actions(statement: &Value) -> Vec<&str> {
    match &statement["Action"] {
        Value::String(one) => vec![one.as_str()],
        Value::Sequence(many) => many.iter().map(|a| str_of(a, "Action")).collect(),
        other => panic!("Action is {other:?}"),
    }
}

#[test]
fn every_function_is_told_the_signing_keys_secret_and_may_only_read_that_one_secret() {
    let template = template();
    let secrets = resources_of_type(&template, "AWS::SecretsManager::Secret");
    assert_eq!(secrets.len(), 1, "one secret, the signing keys");
    let (secret_name, secret) = secrets[0];
    assert_eq!(secret_name, "SigningKeysSecret");
    let p = &secret["Properties"];
    assert!(
        p["SecretString"].is_null() && p["GenerateSecretString"].is_null(),
        "the keys come from `vedtak keys new`: a value in the template would be no key, and each \
         stack update would overwrite the keys with it"
    );
    assert_eq!(secret["DeletionPolicy"], "Retain", "the retired keys outlive the stack");
    assert_eq!(secret["UpdateReplacePolicy"], "Retain");

    let variables = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert!(
        is_ref_to(&variables[vedtak::aws::KEYS_SECRET_ENV], secret_name),
        "Globals set {} to the secret: {:?}",
        vedtak::aws::KEYS_SECRET_ENV,
        variables[vedtak::aws::KEYS_SECRET_ENV]
    );
    assert!(
        variables[vedtak::aws::KEYS_JSON_ENV].is_null(),
        "keys never travel in plain environment variables on AWS"
    );

    let statements = role_statements(&template);
    for (name, f) in resources_of_type(&template, "AWS::Serverless::Function") {
        let own = &f["Properties"]["Environment"]["Variables"];
        for var in [vedtak::aws::KEYS_SECRET_ENV, vedtak::aws::KEYS_JSON_ENV] {
            assert!(own[var].is_null(), "{name} must not set {var} itself");
        }
        let role = role_of(f, name);
        let reads_keys = statements.iter().any(|(r, s)| {
            *r == role
                && s["Effect"] == "Allow"
                && actions(s) == ["secretsmanager:GetSecretValue"]
                && is_ref_to(&s["Resource"], secret_name)
        });
        assert!(reads_keys, "{role} (of {name}) may read {secret_name}");
    }

    // Nothing else: no other Secrets Manager action, no other secret, no wildcard.
    for (role, s) in statements {
        for action in actions(s) {
            if action.to_ascii_lowercase().starts_with("secretsmanager:") || action == "*" {
                assert_eq!(action, "secretsmanager:GetSecretValue", "{role}");
                assert!(is_ref_to(&s["Resource"], secret_name), "{role}: {:?}", s["Resource"]);
            }
        }
    }
}

/// Names a `${...}` in a `!Sub` string refers to (`${X.Attr}` -> X; `${!Literal}` is none).
fn sub_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let end = after.find('}').unwrap_or_else(|| panic!("unclosed ${{ in {text:?}"));
        let inner = &after[..end];
        if !inner.starts_with('!') {
            names.push(inner.split('.').next().unwrap().to_owned());
        }
        rest = &after[end + 1..];
    }
    names
}

fn check_references(value: &Value, known: &BTreeSet<String>, path: &str, problems: &mut Vec<String>) {
    let mut check = |name: &str, how: &str| {
        if !name.starts_with("AWS::") && !known.contains(name) {
            problems.push(format!(
                "{path}: {how} {name}, which is neither a resource nor a parameter"
            ));
        }
    };
    match value {
        Value::Tagged(t) => {
            let tag = t.tag.to_string();
            match (tag.trim_start_matches('!'), &t.value) {
                ("Ref", Value::String(name)) => check(name, "!Ref"),
                ("GetAtt", Value::String(target)) => check(target.split('.').next().unwrap(), "!GetAtt"),
                ("Sub", Value::String(text)) => sub_names(text).iter().for_each(|n| check(n, "!Sub")),
                ("Sub", Value::Sequence(parts)) => {
                    let locals: BTreeSet<String> = parts[1]
                        .as_mapping()
                        .map(|m| m.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect())
                        .unwrap_or_default();
                    let text = parts[0].as_str().unwrap_or_default();
                    sub_names(text)
                        .iter()
                        .filter(|n| !locals.contains(*n))
                        .for_each(|n| check(n, "!Sub"));
                    check_references(&parts[1], known, path, problems);
                }
                (_, inner) => check_references(inner, known, path, problems),
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                check_references(item, known, &format!("{path}[{i}]"), problems);
            }
        }
        Value::Mapping(map) => {
            for (k, v) in map {
                let key = k.as_str().unwrap_or("?");
                check_references(v, known, &format!("{path}.{key}"), problems);
            }
        }
        _ => {}
    }
}

#[test]
fn every_reference_in_the_template_names_something_that_exists() {
    // cfn-lint validates SAM resources against schemas but does not resolve references inside
    // Globals or event sources; a renamed resource would only fail at deploy time.
    let template = template();
    let mut known = BTreeSet::new();
    for section in ["Parameters", "Resources"] {
        for key in template[section].as_mapping().expect(section).keys() {
            known.insert(key.as_str().expect("name").to_owned());
        }
    }
    let conditions: BTreeSet<String> = template["Conditions"]
        .as_mapping()
        .map(|m| m.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let mut problems = Vec::new();
    for section in ["Globals", "Resources", "Outputs"] {
        check_references(&template[section], &known, section, &mut problems);
    }
    // Every condition a resource or `!If` uses is declared.
    fn conditions_used(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Tagged(t) => {
                if t.tag.to_string().trim_start_matches('!') == "If" {
                    if let Some(name) = t.value[0].as_str() {
                        out.push(name.to_owned());
                    }
                }
                conditions_used(&t.value, out);
            }
            Value::Sequence(items) => items.iter().for_each(|i| conditions_used(i, out)),
            Value::Mapping(map) => {
                for (k, v) in map {
                    if k == "Condition" {
                        if let Some(name) = v.as_str() {
                            out.push(name.to_owned());
                        }
                    }
                    conditions_used(v, out);
                }
            }
            _ => {}
        }
    }
    let mut used = Vec::new();
    for section in ["Globals", "Resources", "Outputs"] {
        conditions_used(&template[section], &mut used);
    }
    for name in used {
        if !conditions.contains(&name) {
            problems.push(format!("condition {name} is not declared"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether `value` refers to resource `name` anywhere (`!Ref name`, `!GetAtt name.X`, or
/// `${name...}` in a `!Sub`).
fn mentions(value: &Value, name: &str) -> bool {
    match value {
        Value::Tagged(t) => {
            let tag = t.tag.to_string();
            match (tag.trim_start_matches('!'), &t.value) {
                ("Ref", Value::String(v)) => v == name,
                ("GetAtt", Value::String(v)) => v.split('.').next() == Some(name),
                ("Sub", Value::String(v)) => sub_names(v).iter().any(|n| n == name),
                (_, inner) => mentions(inner, name),
            }
        }
        Value::Sequence(items) => items.iter().any(|i| mentions(i, name)),
        Value::Mapping(map) => map.values().any(|v| mentions(v, name)),
        _ => false,
    }
}

/// The role a function runs as (`Role: !GetAtt <role>.Arn`).
fn role_of(f: &Value, name: &str) -> String {
    match tagged(&f["Properties"]["Role"]) {
        Some((tag, v)) if tag == "GetAtt" => str_of(v, "Role").trim_end_matches(".Arn").to_owned(),
        other => panic!("{name}.Role is not !GetAtt <role>.Arn: {other:?}"),
    }
}

#[test]
fn failed_webhook_deliveries_go_to_a_queue_only_the_stream_and_scheduler_are_told_of_and_may_send_to() {
    const QUEUE: &str = "WebhookDeadLetterQueue";
    const SENDERS: [&str; 2] = ["StreamFunction", "SchedulerFunction"];
    let template = template();
    let queue = resource(&template, QUEUE);
    assert_eq!(queue["Type"], "AWS::SQS::Queue");
    assert_eq!(queue["Properties"]["SqsManagedSseEnabled"], true, "encrypted at rest");
    assert_eq!(
        queue["Properties"]["MessageRetentionPeriod"], 1_209_600,
        "kept 14 days, like the stream's dead letters"
    );
    assert!(
        resources_of_type(&template, "AWS::SQS::QueuePolicy")
            .iter()
            .all(|(_, p)| !mentions(&p["Properties"], QUEUE)),
        "no queue policy opens {QUEUE} to anyone else"
    );

    // Told by its own environment to the two functions that deliver webhooks, to no other.
    let env = vedtak::aws::WEBHOOK_DLQ_ENV;
    assert!(
        template["Globals"]["Function"]["Environment"]["Variables"][env].is_null(),
        "not in the Globals: the api function delivers nothing"
    );
    let mut sender_roles = BTreeSet::new();
    for (name, f) in resources_of_type(&template, "AWS::Serverless::Function") {
        let own = &f["Properties"]["Environment"]["Variables"][env];
        if SENDERS.contains(&name) {
            assert!(is_ref_to(own, QUEUE), "{name} sets {env} to the queue's URL: {own:?}");
            sender_roles.insert(role_of(f, name));
        } else {
            assert!(own.is_null(), "{name} must not be told {env}");
        }
    }
    assert_eq!(sender_roles.len(), SENDERS.len(), "each sender has a role of its own");

    // Only their roles may send to it, and sending is all they may do with it.
    let mut allowed = BTreeSet::new();
    for (role, s) in role_statements(&template) {
        let sqs: Vec<&str> = actions(s)
            .into_iter()
            .filter(|a| a.to_ascii_lowercase().starts_with("sqs:") || *a == "*")
            .collect();
        if sqs.is_empty() {
            continue;
        }
        assert!(
            !matches!(&s["Resource"], Value::String(r) if r.contains('*')),
            "{role}: an SQS action on {:?}",
            s["Resource"]
        );
        if mentions(&s["Resource"], QUEUE) {
            assert_eq!(s["Effect"], "Allow", "{role}");
            assert_eq!(sqs, ["sqs:SendMessage"], "{role} may only send to {QUEUE}");
            allowed.insert(role.to_owned());
        }
    }
    assert_eq!(
        allowed, sender_roles,
        "exactly the stream's and the scheduler's roles may send"
    );

    // And a message waiting there raises an alarm.
    let alarmed = resources_of_type(&template, "AWS::CloudWatch::Alarm").into_iter().any(|(_, a)| {
        let p = &a["Properties"];
        p["Namespace"] == "AWS/SQS"
            && p["MetricName"] == "ApproximateNumberOfMessagesVisible"
            && p["Dimensions"].as_sequence().is_some_and(|d| {
                d.iter().any(|d| {
                    d["Name"] == "QueueName"
                        && matches!(tagged(&d["Value"]), Some((tag, v)) if tag == "GetAtt" && v == "WebhookDeadLetterQueue.QueueName")
                })
            })
            && p["ComparisonOperator"] == "GreaterThanThreshold"
            && p["Threshold"] == 0
            && mentions(&p["AlarmActions"], "AlarmTopic")
    });
    assert!(
        alarmed,
        "an alarm on the messages waiting in {QUEUE}, to the alarm topic"
    );
}
