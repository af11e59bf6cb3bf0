//! `GET /v1/instances` (scope `ops:admin`): the command API instances of the
//! group and the partitions each owns, per topic, as the group's
//! description says (the same view forwarding uses).

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::ownership::RoutingTable;

/// What the handler reads: every mounted topic's routing table.
pub struct InstanceDirectory {
    pub own_url: String,
    pub tables: Vec<Arc<RoutingTable>>,
}

#[derive(Debug, Default, Serialize)]
struct Instance {
    url: String,
    /// Whether this is the instance that answered.
    answering: bool,
    /// Owned partitions, by topic.
    partitions: BTreeMap<String, Vec<i32>>,
}

pub async fn list(directory: web::Data<InstanceDirectory>) -> HttpResponse {
    let mut instances: BTreeMap<String, Instance> = BTreeMap::new();
    // This instance is listed even while it owns nothing.
    instances.insert(
        directory.own_url.clone(),
        Instance {
            url: directory.own_url.clone(),
            answering: true,
            ..Instance::default()
        },
    );
    for table in &directory.tables {
        for (partition, url) in table.owners().await {
            let instance = instances.entry(url.clone()).or_insert_with(|| Instance {
                url,
                ..Instance::default()
            });
            instance
                .partitions
                .entry(table.topic().to_owned())
                .or_default()
                .push(partition);
        }
    }
    let mut instances: Vec<Instance> = instances.into_values().collect();
    for instance in &mut instances {
        for partitions in instance.partitions.values_mut() {
            partitions.sort_unstable();
        }
    }
    HttpResponse::Ok().json(serde_json::json!({ "instances": instances }))
}
