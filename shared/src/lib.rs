//! vedtak: a workflow engine for political decisions and e-signing.
//!
//! Layers, from the inside out: `domain` (pure rules) → `service` (one command end to end) →
//! `ports` (narrow traits) ← `adapters` (embedded, memory, …) and `http` (the axum router).

pub mod adapters;
pub mod auth;
#[cfg(feature = "aws")]
pub mod aws;
#[cfg(feature = "aws")]
mod aws_assembly;
#[cfg(feature = "aws")]
mod aws_http_client;
pub mod canonical;
pub mod chain;
pub mod clock;
pub mod demo;
pub mod dispatch;
pub mod domain;
pub mod http;
pub mod integrity;
pub mod local;
pub mod mail;
pub mod planning;
pub mod planning_svg;
pub mod ports;
pub mod problem;
pub mod service;
pub mod signing;
pub mod stream;
pub mod sweep;
pub mod telemetry;
pub mod webhooks;
