//! Signing: envelopes are domain records (`crate::domain::envelope`); here are the secrets and
//! crypto around them: signing links and one-time codes derived from a link key, the keys
//! themselves, and the sealed certificate that lets anyone prove, offline, which bytes were
//! signed, by whom and when.

pub mod certificate;
pub mod keys;
pub mod links;
pub mod seal;
