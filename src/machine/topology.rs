//! The CPU topology of a Linux machine, from sysfs.
//!
//! [`Topology::parse`] is a pure function of the files' contents (a map
//! from a path relative to `/sys/devices/system` to the file's text), so
//! that tests run it on fixture trees (`tests/fixtures/topology/`);
//! [`read_tree`] is the only part that touches the file system.
//!
//! What is read, per online CPU `cpuN`:
//!
//! * `cpu/cpuN/topology/thread_siblings_list`: the CPUs of its physical core
//!   (SMT siblings), `core_id`, `cluster_id`, `physical_package_id`;
//! * `cpu/cpuN/cache/index*/{level,type,shared_cpu_list,size}`: its caches
//!   and the CPUs that share each;
//! * `node/nodeM/cpulist`: the NUMA node of each CPU.
//!
//! From these come *cores* (the sibling sets) and *cache clusters*: the
//! CPUs that share the smallest cache spanning more than one core (an Arm
//! cluster's L2, or an x86 socket's L3). Where no cache spans more than one
//! core, the kernel's `cluster_id` groups cores (when it is set, not 65535
//! or -1); otherwise every core is its own cluster.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How two CPUs relate, from closest to farthest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// The same logical CPU.
    SameCpu,
    /// SMT siblings: two hardware threads of one physical core.
    SameCore,
    /// Different cores that share a cache cluster.
    SameCluster,
    /// Different cache clusters of one socket (package).
    SameSocket,
    /// Different sockets.
    CrossSocket,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::SameCpu => "same-cpu",
            Relation::SameCore => "same-core",
            Relation::SameCluster => "same-cluster",
            Relation::SameSocket => "same-socket",
            Relation::CrossSocket => "cross-socket",
        }
    }
}

/// One cache as seen from one CPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    pub level: u32,
    /// `Data`, `Instruction` or `Unified`.
    pub kind: String,
    /// The CPUs that share this cache (the CPU itself included).
    pub shared: Vec<usize>,
    /// As sysfs writes it, e.g. `1024K`.
    pub size: Option<String>,
}

/// One logical CPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cpu {
    pub id: usize,
    pub package: u32,
    pub core_id: u32,
    /// The kernel's cluster id; None when unset (65535 or -1) or absent.
    pub cluster_id: Option<u32>,
    /// SMT siblings, the CPU itself included, sorted.
    pub siblings: Vec<usize>,
    pub node: Option<u32>,
    pub caches: Vec<Cache>,
}

/// A machine's CPUs, cores and cache clusters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// Online CPUs with a topology, sorted by id.
    pub cpus: Vec<Cpu>,
    /// Physical cores: sorted CPU sets, ordered by (package, cluster, first CPU).
    pub cores: Vec<Vec<usize>>,
    /// Cache clusters: sorted CPU sets, ordered by (package, first CPU).
    pub clusters: Vec<Vec<usize>>,
    /// Where the clusters come from: `cache L2`, `cache L3`, `cluster_id`
    /// or `cores` (no cluster information).
    pub cluster_source: String,
    /// Where the topology was read from (`sysfs`, or `none` for a flat
    /// stand-in when sysfs is missing).
    pub source: String,
}

/// Parses a kernel CPU list such as `0-3,8,10-11` (empty text: no CPUs).
pub fn parse_cpu_list(text: &str) -> Option<Vec<usize>> {
    let mut out = BTreeSet::new();
    let t = text.trim();
    if t.is_empty() {
        return Some(Vec::new());
    }
    for part in t.split(',') {
        let part = part.trim();
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (usize, usize) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                if b < a || b - a > 1 << 16 {
                    return None;
                }
                out.extend(a..=b);
            }
            None => {
                out.insert(part.parse().ok()?);
            }
        }
    }
    Some(out.into_iter().collect())
}

/// Writes a CPU list the kernel's way: `0-3,8,10-11`.
pub fn format_cpu_list(cpus: &[usize]) -> String {
    let mut sorted: Vec<usize> = cpus.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(",")
}

/// Reads the files [`Topology::parse`] uses from a sysfs-shaped tree whose
/// root holds `cpu/` and `node/` (on Linux: `/sys/devices/system`).
/// Missing files are simply absent from the map.
pub fn read_tree(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut read = |rel: String| {
        if let Ok(text) = std::fs::read_to_string(root.join(&rel)) {
            files.insert(rel, text);
        }
    };
    let dirs = |rel: &str, prefix: &str| -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| {
                n.strip_prefix(prefix)
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            })
            .collect();
        names.sort();
        names
    };
    read("cpu/online".to_string());
    for cpu in dirs("cpu", "cpu") {
        for f in [
            "thread_siblings_list",
            "core_id",
            "cluster_id",
            "physical_package_id",
        ] {
            read(format!("cpu/{cpu}/topology/{f}"));
        }
        for index in dirs(&format!("cpu/{cpu}/cache"), "index") {
            for f in ["level", "type", "shared_cpu_list", "size"] {
                read(format!("cpu/{cpu}/cache/{index}/{f}"));
            }
        }
    }
    for node in dirs("node", "node") {
        read(format!("node/{node}/cpulist"));
    }
    files
}

fn number(files: &BTreeMap<String, String>, path: &str) -> Option<i64> {
    files.get(path)?.trim().parse().ok()
}

/// The numeric suffix of `cpu12` (for `prefix` `cpu`).
fn suffix(name: &str, prefix: &str) -> Option<usize> {
    let d = name.strip_prefix(prefix)?;
    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    d.parse().ok()
}

impl Topology {
    /// Parses the files of [`read_tree`]. Returns None when no CPU has a
    /// topology (no sysfs, or not Linux).
    pub fn parse(files: &BTreeMap<String, String>) -> Option<Topology> {
        let online: Option<BTreeSet<usize>> = files
            .get("cpu/online")
            .and_then(|t| parse_cpu_list(t))
            .map(|v| v.into_iter().collect());
        // cpuN -> (index name -> file name -> text)
        let mut cpu_ids = BTreeSet::new();
        for path in files.keys() {
            let mut parts = path.split('/');
            if parts.next() == Some("cpu") {
                if let Some(id) = parts.next().and_then(|n| suffix(n, "cpu")) {
                    cpu_ids.insert(id);
                }
            }
        }
        let mut nodes: BTreeMap<usize, u32> = BTreeMap::new();
        for (path, text) in files {
            let parts: Vec<&str> = path.split('/').collect();
            if let ["node", node, "cpulist"] = parts.as_slice() {
                if let (Some(n), Some(list)) = (suffix(node, "node"), parse_cpu_list(text)) {
                    for c in list {
                        nodes.insert(c, n as u32);
                    }
                }
            }
        }
        let mut cpus = Vec::new();
        for id in cpu_ids {
            if online.as_ref().is_some_and(|o| !o.contains(&id)) {
                continue;
            }
            let topo = |f: &str| format!("cpu/cpu{id}/topology/{f}");
            let Some(package) = number(files, &topo("physical_package_id")) else {
                continue; // offline or no topology
            };
            let core_id = number(files, &topo("core_id")).unwrap_or(id as i64);
            let cluster_id = number(files, &topo("cluster_id"))
                .filter(|&c| c >= 0 && c != 65535)
                .map(|c| c as u32);
            let mut siblings = files
                .get(&topo("thread_siblings_list"))
                .and_then(|t| parse_cpu_list(t))
                .unwrap_or_default();
            if !siblings.contains(&id) {
                siblings.push(id);
                siblings.sort_unstable();
            }
            let prefix = format!("cpu/cpu{id}/cache/");
            let mut indexes = BTreeSet::new();
            for path in files.range(prefix.clone()..) {
                let Some(rest) = path.0.strip_prefix(&prefix) else {
                    break;
                };
                if let Some((index, _)) = rest.split_once('/') {
                    indexes.insert(index.to_string());
                }
            }
            let mut caches = Vec::new();
            for index in indexes {
                let f = |name: &str| format!("{prefix}{index}/{name}");
                let Some(level) = number(files, &f("level")) else {
                    continue;
                };
                let Some(mut shared) = files
                    .get(&f("shared_cpu_list"))
                    .and_then(|t| parse_cpu_list(t))
                else {
                    continue;
                };
                if !shared.contains(&id) {
                    shared.push(id);
                    shared.sort_unstable();
                }
                caches.push(Cache {
                    level: level as u32,
                    kind: files
                        .get(&f("type"))
                        .map_or("Unified", |t| t.trim())
                        .to_string(),
                    shared,
                    size: files.get(&f("size")).map(|t| t.trim().to_string()),
                });
            }
            caches.sort_by_key(|c| (c.level, c.kind.clone()));
            cpus.push(Cpu {
                id,
                package: package.max(0) as u32,
                core_id: core_id.max(0) as u32,
                cluster_id,
                siblings,
                node: nodes.get(&id).copied(),
                caches,
            });
        }
        if cpus.is_empty() {
            return None;
        }
        Some(Self::derive(cpus, "sysfs"))
    }

    /// A stand-in for a machine whose topology cannot be read: every CPU a
    /// core of its own, one socket, no clusters.
    pub fn flat(cpu_ids: &[usize]) -> Topology {
        let cpus = cpu_ids
            .iter()
            .map(|&id| Cpu {
                id,
                package: 0,
                core_id: id as u32,
                cluster_id: None,
                siblings: vec![id],
                node: None,
                caches: Vec::new(),
            })
            .collect();
        Self::derive(cpus, "none")
    }

    /// This machine's topology from `/sys/devices/system`, or a flat
    /// stand-in over `fallback_cpus` when sysfs cannot be read.
    pub fn detect(fallback_cpus: &[usize]) -> Topology {
        Self::parse(&read_tree(Path::new("/sys/devices/system")))
            .unwrap_or_else(|| Self::flat(fallback_cpus))
    }

    fn derive(mut cpus: Vec<Cpu>, source: &str) -> Topology {
        cpus.sort_by_key(|c| c.id);
        let known: BTreeSet<usize> = cpus.iter().map(|c| c.id).collect();
        // Restrict every set to CPUs we know (offline siblings drop out).
        for c in &mut cpus {
            c.siblings.retain(|s| known.contains(s));
            for cache in &mut c.caches {
                cache.shared.retain(|s| known.contains(s));
            }
        }
        let by_id: BTreeMap<usize, &Cpu> = cpus.iter().map(|c| (c.id, c)).collect();
        let core_of = |id: usize| by_id[&id].siblings.clone();

        // Clusters: the smallest cache (level >= 2, not instruction-only)
        // spanning more than the CPU's core.
        let mut cluster_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut levels = BTreeSet::new();
        for c in &cpus {
            let core = core_of(c.id);
            let best = c
                .caches
                .iter()
                .filter(|k| k.kind != "Instruction" && k.shared.len() > core.len())
                .filter(|k| core.iter().all(|s| k.shared.contains(s)))
                .min_by_key(|k| (k.shared.len(), k.level));
            if let Some(k) = best {
                levels.insert(k.level);
                cluster_of.insert(c.id, k.shared.clone());
            }
        }
        let cluster_source;
        if cluster_of.len() == cpus.len() {
            cluster_source = levels
                .iter()
                .map(|l| format!("cache L{l}"))
                .collect::<Vec<_>>()
                .join("+");
        } else {
            // Kernel cluster ids, where every CPU has one.
            let all_ids = cpus.iter().all(|c| c.cluster_id.is_some());
            cluster_of.clear();
            if all_ids {
                for c in &cpus {
                    let members: Vec<usize> = cpus
                        .iter()
                        .filter(|o| o.package == c.package && o.cluster_id == c.cluster_id)
                        .map(|o| o.id)
                        .collect();
                    cluster_of.insert(c.id, members);
                }
                cluster_source = "cluster_id".to_string();
            } else {
                for c in &cpus {
                    cluster_of.insert(c.id, core_of(c.id));
                }
                cluster_source = "cores".to_string();
            }
        }
        let mut clusters: Vec<Vec<usize>> = cluster_of.values().cloned().collect();
        clusters.sort_by_key(|set| (by_id[&set[0]].package, set[0]));
        clusters.dedup();
        // A CPU in two overlapping clusters (odd sysfs data) keeps the first.
        let mut seen = BTreeSet::new();
        for set in &mut clusters {
            set.retain(|c| seen.insert(*c));
        }
        clusters.retain(|s| !s.is_empty());

        let cluster_index: BTreeMap<usize, usize> = clusters
            .iter()
            .enumerate()
            .flat_map(|(i, set)| set.iter().map(move |&c| (c, i)))
            .collect();
        let mut cores: Vec<Vec<usize>> = cpus.iter().map(|c| c.siblings.clone()).collect();
        cores.sort_by_key(|set| (by_id[&set[0]].package, cluster_index[&set[0]], set[0]));
        cores.dedup();
        Topology {
            cpus,
            cores,
            clusters,
            cluster_source,
            source: source.to_string(),
        }
    }

    pub fn cpu(&self, id: usize) -> Option<&Cpu> {
        self.cpus
            .binary_search_by_key(&id, |c| c.id)
            .ok()
            .map(|i| &self.cpus[i])
    }

    /// Index into [`Topology::clusters`] of CPU `id`.
    pub fn cluster_of(&self, id: usize) -> Option<usize> {
        self.clusters.iter().position(|set| set.contains(&id))
    }

    pub fn packages(&self) -> BTreeSet<u32> {
        self.cpus.iter().map(|c| c.package).collect()
    }

    pub fn nodes(&self) -> BTreeSet<u32> {
        self.cpus.iter().filter_map(|c| c.node).collect()
    }

    /// Hardware threads per core, at most.
    pub fn max_threads_per_core(&self) -> usize {
        self.cores.iter().map(Vec::len).max().unwrap_or(1)
    }

    /// How CPUs `a` and `b` relate. CPUs the topology does not know are
    /// taken as cross-socket (nothing known to be shared).
    pub fn relation(&self, a: usize, b: usize) -> Relation {
        if a == b {
            return Relation::SameCpu;
        }
        let (Some(ca), Some(cb)) = (self.cpu(a), self.cpu(b)) else {
            return Relation::CrossSocket;
        };
        if ca.siblings.contains(&b) {
            Relation::SameCore
        } else if self.cluster_of(a).is_some() && self.cluster_of(a) == self.cluster_of(b) {
            Relation::SameCluster
        } else if ca.package == cb.package {
            Relation::SameSocket
        } else {
            Relation::CrossSocket
        }
    }

    /// The farthest relation between any two of `cpus` (a copy's span);
    /// None for fewer than two CPUs.
    pub fn span(&self, cpus: &[usize]) -> Option<Relation> {
        let mut out = None;
        for (i, &a) in cpus.iter().enumerate() {
            for &b in &cpus[i + 1..] {
                let r = self.relation(a, b);
                out = Some(out.map_or(r, |o: Relation| o.max(r)));
            }
        }
        out
    }

    /// One line: `2 sockets, 2 NUMA nodes, 16 cache clusters (cache L2), 64 cores, 64 CPUs`.
    pub fn describe(&self) -> String {
        let threads = self.max_threads_per_core();
        format!(
            "{} socket(s), {} NUMA node(s), {} cache cluster(s) ({}), {} cores, {} CPUs{}",
            self.packages().len(),
            self.nodes().len(),
            self.clusters.len(),
            self.cluster_source,
            self.cores.len(),
            self.cpus.len(),
            if threads > 1 {
                format!(", SMT {threads}")
            } else {
                String::new()
            }
        )
    }
}

/// The CPUs this process may run on: its affinity mask (which a cgroup
/// cpuset also narrows), from `sched_getaffinity` through `core_affinity`,
/// else `/proc/self/status`'s `Cpus_allowed_list`, else 0..num_cpus.
pub fn allowed_cpus() -> Vec<usize> {
    if let Some(ids) = core_affinity::get_core_ids() {
        if !ids.is_empty() {
            let mut v: Vec<usize> = ids.into_iter().map(|c| c.id).collect();
            v.sort_unstable();
            return v;
        }
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(list) = parse_allowed_list(&status) {
            return list;
        }
    }
    (0..num_cpus::get()).collect()
}

/// `Cpus_allowed_list` of a `/proc/<pid>/status` text.
pub fn parse_allowed_list(status: &str) -> Option<Vec<usize>> {
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))?;
    parse_cpu_list(line).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists_round_trip() {
        assert_eq!(
            parse_cpu_list("0-3,8,10-11"),
            Some(vec![0, 1, 2, 3, 8, 10, 11])
        );
        assert_eq!(parse_cpu_list("\n"), Some(vec![]));
        assert_eq!(parse_cpu_list("3-1"), None);
        assert_eq!(parse_cpu_list("x"), None);
        assert_eq!(format_cpu_list(&[11, 0, 1, 2, 3, 8, 10]), "0-3,8,10-11");
        assert_eq!(format_cpu_list(&[]), "");
    }

    #[test]
    fn allowed_list_from_status() {
        let status = "Name:\tx\nCpus_allowed:\tf\nCpus_allowed_list:\t0-1,4\n";
        assert_eq!(parse_allowed_list(status), Some(vec![0, 1, 4]));
        assert_eq!(parse_allowed_list("Name: x\n"), None);
    }

    #[test]
    fn flat_topology_has_no_sharing() {
        let t = Topology::flat(&[0, 1, 2]);
        assert_eq!(t.cores.len(), 3);
        assert_eq!(t.clusters.len(), 3);
        assert_eq!(t.relation(0, 1), Relation::SameSocket);
        assert_eq!(t.span(&[0, 1, 2]), Some(Relation::SameSocket));
    }
}
