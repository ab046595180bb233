//! Describing AWS SDK failures without what they carry: the SDK's own `Display` of a response it
//! could not parse includes the raw body, which may be a secret or a message we sent. These
//! helpers describe an error by its chain of causes (connection errors and the like) only.

/// `error: source: source...`, each by its `Display`.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(source) = next {
        text.push_str(": ");
        text.push_str(&source.to_string());
        next = source.source();
    }
    text
}

/// The chain under `error`, without `error` itself.
pub(crate) fn sources(error: &dyn std::error::Error) -> String {
    error.source().map_or_else(|| "no details".into(), chain)
}
