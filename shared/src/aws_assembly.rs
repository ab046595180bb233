//! The engine and the dispatcher as every Lambda function builds them from one `AwsBackend`, so
//! the functions cannot drift apart in how they seal, send e-mail or deliver webhooks.

use crate::adapters::http_webhooks::HttpWebhookSender;
use crate::aws::AwsBackend;
use crate::dispatch::Dispatcher;
use crate::ports::Clock;
use crate::service::{Engine, SigningPorts};
use crate::webhooks::deliver::Deliverer;
use std::sync::Arc;

impl AwsBackend {
    /// The engine, able to seal certificates with the keys from the secret.
    pub fn engine(&self, clock: Arc<dyn Clock>) -> Engine {
        let signing = SigningPorts {
            keys: self.keys.clone(),
            documents: self.documents.clone(),
        };
        Engine::new(self.store.clone(), clock).with_signing(signing)
    }

    /// The dispatcher: e-mail by SES, webhooks to public addresses only (the guard is what keeps
    /// users' URLs off the private network), failed deliveries also to the dead-letter queue.
    pub fn dispatcher(&self, clock: Arc<dyn Clock>) -> Dispatcher {
        Dispatcher {
            store: self.store.clone(),
            mailer: self.mailer.clone(),
            clock: clock.clone(),
            base_url: self.config.base_url.clone(),
            keys: Some(self.keys.clone()),
            webhooks: Some(Arc::new(Deliverer {
                store: self.store.clone(),
                sender: Arc::new(HttpWebhookSender { allow_private: false }),
                clock,
                dead_letters: self.dead_letters.clone(),
                passes: Default::default(),
            })),
        }
    }
}
