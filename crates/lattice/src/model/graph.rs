//! The model as a petgraph graph, for layout and queries.

use super::*;

/// A node of [`LatticeModel::graph`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// A host.
    Host {
        /// Host id.
        id: String,
        /// Friendly name.
        friendly_name: String,
    },
    /// A component (one node however many hosts run it).
    Component {
        /// Component id.
        id: String,
        /// Image reference.
        image_ref: String,
    },
    /// A provider.
    Provider {
        /// Provider id.
        id: String,
        /// Image reference, if reported.
        image_ref: Option<String>,
    },
    /// A link endpoint that no host reports running.
    Missing {
        /// The id named by the link.
        id: String,
    },
    /// A named config.
    Config {
        /// Config name.
        name: String,
    },
}

/// An edge of [`LatticeModel::graph`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Edge {
    /// Host → component or provider it runs.
    Runs {
        /// Instances (components only).
        max_instances: Option<u32>,
    },
    /// Link source → target.
    Link {
        /// The link.
        link: Link,
    },
    /// Link source or target → a config the link gives it.
    UsesConfig,
}

impl LatticeModel {
    /// The lattice as a graph: hosts → what they run, link source → target, link
    /// endpoints → the configs the link names.
    pub fn graph(&self) -> DiGraph<Node, Edge> {
        let mut graph = DiGraph::new();
        let mut workloads: BTreeMap<String, NodeIndex> = BTreeMap::new();
        let mut configs: BTreeMap<String, NodeIndex> = BTreeMap::new();
        for name in &self.configs {
            configs.insert(
                name.clone(),
                graph.add_node(Node::Config { name: name.clone() }),
            );
        }
        for host in self.hosts.values() {
            let h = graph.add_node(Node::Host {
                id: host.info.id.clone(),
                friendly_name: host.info.friendly_name.clone(),
            });
            for c in host.components.values() {
                let n = *workloads.entry(c.id.clone()).or_insert_with(|| {
                    graph.add_node(Node::Component {
                        id: c.id.clone(),
                        image_ref: c.image_ref.clone(),
                    })
                });
                graph.add_edge(
                    h,
                    n,
                    Edge::Runs {
                        max_instances: Some(c.max_instances),
                    },
                );
            }
            for p in host.providers.values() {
                let n = *workloads.entry(p.id.clone()).or_insert_with(|| {
                    graph.add_node(Node::Provider {
                        id: p.id.clone(),
                        image_ref: p.image_ref.clone(),
                    })
                });
                graph.add_edge(
                    h,
                    n,
                    Edge::Runs {
                        max_instances: None,
                    },
                );
            }
        }
        for link in self.links.values() {
            let mut endpoint = |id: &str, graph: &mut DiGraph<Node, Edge>| {
                *workloads
                    .entry(id.to_owned())
                    .or_insert_with(|| graph.add_node(Node::Missing { id: id.to_owned() }))
            };
            let s = endpoint(&link.source_id, &mut graph);
            let t = endpoint(&link.target, &mut graph);
            graph.add_edge(s, t, Edge::Link { link: link.clone() });
            for (node, names) in [(s, &link.source_config), (t, &link.target_config)] {
                for name in names {
                    let c = *configs
                        .entry(name.clone())
                        .or_insert_with(|| graph.add_node(Node::Config { name: name.clone() }));
                    if graph.find_edge(node, c).is_none() {
                        graph.add_edge(node, c, Edge::UsesConfig);
                    }
                }
            }
        }
        graph
    }
}
