use super::*;
use crate::adapters::contract;

#[tokio::test]
async fn store_passes_the_contract() {
    contract::run_all(&MemoryStore::new()).await;
}

#[tokio::test]
async fn documents_pass_the_contract() {
    contract::documents_contract(&MemoryDocuments::new()).await;
}
