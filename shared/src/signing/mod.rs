//! Signing: the sealed certificate that lets anyone prove, offline, which bytes were signed,
//! by whom and when. (Envelopes, signing links and one-time codes build on this.)

pub mod seal;
