//! `HttpWebhookSender`: webhooks over HTTP(S) with reqwest (rustls). The address is checked
//! before any connection and the connection goes to exactly that address; redirects are not
//! followed (a redirect could lead anywhere the guard would refuse); a receiver gets 15 s.

use crate::ports::{SendError, WebhookRequest, WebhookSender};
use crate::webhooks::sender::{check_url, is_public};
use async_trait::async_trait;
use reqwest::redirect::Policy;
use std::net::SocketAddr;
use std::time::Duration;
use url::Url;

const TIMEOUT: Duration = Duration::from_secs(15);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub struct HttpWebhookSender {
    /// Deliver to loopback and private addresses too (local receivers, tests); never on AWS.
    pub allow_private: bool,
}

impl HttpWebhookSender {
    /// The addresses to connect to, refused if any is not public (unless allowed).
    async fn addresses(&self, url: &Url) -> Result<Vec<SocketAddr>, SendError> {
        let port = url.port_or_known_default().unwrap_or(443);
        let addresses: Vec<SocketAddr> = match url.host() {
            Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
                .await
                .map_err(|e| SendError::NoAnswer(format!("cannot resolve {name}: {e}")))?
                .collect(),
            None => vec![],
        };
        if addresses.is_empty() {
            return Err(SendError::NoAnswer("the host has no address".into()));
        }
        if !self.allow_private {
            if let Some(bad) = addresses.iter().find(|a| !is_public(a.ip())) {
                return Err(SendError::Refused(format!(
                    "{} is not a public address; this deployment delivers only to public ones",
                    bad.ip()
                )));
            }
        }
        Ok(addresses)
    }
}

#[async_trait]
impl WebhookSender for HttpWebhookSender {
    async fn send(&self, request: &WebhookRequest) -> Result<u16, SendError> {
        let url = check_url(&request.url).map_err(SendError::Refused)?;
        let addresses = self.addresses(&url).await?;
        let mut builder = reqwest::Client::builder()
            .redirect(Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("vedtak-webhooks/", env!("CARGO_PKG_VERSION")));
        if let Some(url::Host::Domain(name)) = url.host() {
            // Pin the name to the addresses just checked: no second lookup can swap them.
            builder = builder.resolve_to_addrs(name, &addresses);
        }
        let client = builder
            .build()
            .map_err(|e| SendError::NoAnswer(format!("client: {e}")))?;
        let mut post = client
            .post(url)
            .header("content-type", "application/json")
            .body(request.body.clone());
        for (name, value) in &request.headers {
            post = post.header(name, value);
        }
        match post.send().await {
            Ok(response) => Ok(response.status().as_u16()),
            // Without the URL: a receiver's URL may carry its own secret in the query.
            Err(e) => Err(SendError::NoAnswer(e.without_url().to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(url: &str) -> WebhookRequest {
        WebhookRequest {
            url: url.into(),
            headers: vec![],
            body: "{}".into(),
        }
    }

    #[tokio::test]
    async fn private_targets_are_refused_before_any_connection() {
        let sender = HttpWebhookSender { allow_private: false };
        // None of these is ever connected to: the refusal comes from the address check alone
        // (10.0.0.1 and 169.254.169.254 would otherwise time out here, not fail at once).
        for url in [
            "http://10.0.0.1/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://127.0.0.1:9/",
            "http://localhost:9/",
            "http://[::1]:9/",
        ] {
            let started = std::time::Instant::now();
            let refused = sender.send(&to(url)).await;
            assert!(matches!(refused, Err(SendError::Refused(_))), "{url}: {refused:?}");
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "{url} was refused without waiting on a network"
            );
        }
        assert!(matches!(
            sender.send(&to("ftp://x.example/")).await,
            Err(SendError::Refused(_))
        ));
    }
}
