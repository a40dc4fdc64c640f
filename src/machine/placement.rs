//! Where the copies' actor threads run: `--copies`, `--placement`, `--cpus`.
//!
//! [`plan`] is a pure function of (topology, usable CPUs, CPU budget,
//! actors, copies, placement), so fixture topologies test it. It either
//! returns a plan (one CPU per actor per copy, or unpinned) or a message
//! naming what the machine lacks, which the CLI turns into exit 2.
//!
//! Strategies (a *slot order* lists the usable CPUs core by core: the first
//! hardware thread of every core, then the second threads, and so on, so
//! consecutive slots are on different cores):
//!
//! * `spread`: copy i takes slots i·actors .. (i+1)·actors of the whole
//!   machine's slot order: one actor per physical core while there are
//!   cores, copies side by side. `auto` copies: cores / actors.
//! * `smt`: a copy's actors on the hardware threads of one core.
//! * `cluster`: a copy's actors on different cores of one cache cluster.
//! * `cross`: a copy's actors dealt round robin over different cache
//!   clusters, alternating sockets first (so on a 2-socket machine the
//!   actors of a two-actor copy sit on different sockets).
//! * `random`: a random permutation of the usable CPUs, dealt out to the
//!   copies, and drawn again every round (see [`Plan::draw`]).
//! * `--cpus 0,4 2,6`: one group per copy, as given.
//!
//! More threads than the CPU budget (oversubscription) runs unpinned, with
//! a warning that the report records.

use crate::machine::topology::{format_cpu_list, Topology};
use std::collections::BTreeSet;

/// `--placement`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Strategy {
    /// One actor per physical core, copies spread over the cores.
    Spread,
    /// A copy's actors on SMT siblings of one physical core.
    Smt,
    /// A copy's actors on different cores that share a cache cluster.
    Cluster,
    /// A copy's actors on different sockets or cache clusters.
    Cross,
    /// A random draw of CPUs for every copy, drawn again every round.
    Random,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Spread => "spread",
            Strategy::Smt => "smt",
            Strategy::Cluster => "cluster",
            Strategy::Cross => "cross",
            Strategy::Random => "random",
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Strategy(Strategy),
    /// `--cpus`: one CPU group per copy.
    Cpus(Vec<Vec<usize>>),
    /// `--no-pin`, or the spawn harness (whose threads are never pinned).
    Unpinned,
}

impl Request {
    pub fn name(&self) -> &'static str {
        match self {
            Request::Strategy(s) => s.as_str(),
            Request::Cpus(_) => "cpus",
            Request::Unpinned => "unpinned",
        }
    }
}

/// `--copies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copies {
    Auto,
    N(usize),
}

/// Parses `--copies`: `auto` or a positive number.
pub fn parse_copies(text: &str) -> Result<Copies, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("auto") {
        return Ok(Copies::Auto);
    }
    match t.parse::<usize>() {
        Ok(n) if (1..=4096).contains(&n) => Ok(Copies::N(n)),
        _ => Err(format!(
            "`{text}` is not a copy count; write `auto` or a number from 1 to 4096"
        )),
    }
}

/// Parses one `--cpus` group: `0,4` (a CPU list, ranges allowed: `0-3`).
pub fn parse_cpu_group(text: &str) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let ids: Vec<usize> = match part.split_once('-') {
            Some((a, b)) => match (a.parse::<usize>(), b.parse::<usize>()) {
                (Ok(a), Ok(b)) if a <= b && b - a < 4096 => (a..=b).collect(),
                _ => return Err(format!("`{part}` in `{text}` is not a CPU range")),
            },
            None => vec![part
                .parse()
                .map_err(|_| format!("`{part}` in `{text}` is not a CPU number"))?],
        };
        out.extend(ids);
    }
    Ok(out)
}

/// One `--cpus` group (a newtype, so clap keeps one value per group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuGroup(pub Vec<usize>);

/// clap's parser for one `--cpus` group.
pub fn parse_cpu_group_arg(text: &str) -> Result<CpuGroup, String> {
    parse_cpu_group(text).map(CpuGroup)
}

/// A placement decided for one scenario run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The strategy's name: spread, smt, cluster, cross, random, cpus,
    /// unpinned.
    pub strategy: String,
    pub copies: usize,
    /// Per copy, one CPU per actor thread; None: the copies run unpinned.
    pub groups: Option<Vec<Vec<usize>>>,
    /// The copies run unpinned because they need more threads than there
    /// are usable CPUs.
    pub oversubscribed: bool,
    /// What to tell the user (and record): oversubscription, fallbacks.
    pub warning: Option<String>,
    /// `random`: the usable CPUs to draw from every round.
    pub random_pool: Option<Vec<usize>>,
}

impl Plan {
    /// The CPU groups of round `round` (0-based): the plan's groups, or for
    /// `random` a fresh draw seeded by (seed, round).
    pub fn draw(&self, seed: u64, round: u64) -> Option<Vec<Vec<usize>>> {
        let Some(pool) = &self.random_pool else {
            return self.groups.clone();
        };
        let groups = self.groups.as_ref()?;
        let actors = groups.first().map_or(0, Vec::len);
        let mut cpus = pool.clone();
        let mut rng = splitmix(seed ^ splitmix(round.wrapping_add(0x5EED)));
        for i in (1..cpus.len()).rev() {
            rng = splitmix(rng);
            let j = (rng % (i as u64 + 1)) as usize;
            cpus.swap(i, j);
        }
        Some(
            cpus.chunks(actors.max(1))
                .take(self.copies)
                .map(<[usize]>::to_vec)
                .collect(),
        )
    }
}

/// One step of the splitmix64 generator.
pub fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The usable CPUs, core by core: first threads of all cores (in the
/// topology's core order), then the second threads, and so on. Restricted
/// to `cores` when given.
fn slot_order(cores: &[Vec<usize>], usable: &BTreeSet<usize>) -> Vec<usize> {
    let per_core: Vec<Vec<usize>> = cores
        .iter()
        .map(|c| c.iter().copied().filter(|id| usable.contains(id)).collect())
        .filter(|c: &Vec<usize>| !c.is_empty())
        .collect();
    let depth = per_core.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = Vec::new();
    for t in 0..depth {
        for core in &per_core {
            if let Some(&cpu) = core.get(t) {
                out.push(cpu);
            }
        }
    }
    out
}

/// Usable CPUs the topology does not know become cores of their own.
fn known_cores(topo: &Topology, usable: &BTreeSet<usize>) -> Vec<Vec<usize>> {
    let mut cores = topo.cores.clone();
    for &id in usable {
        if topo.cpu(id).is_none() {
            cores.push(vec![id]);
        }
    }
    cores
}

fn clusters_of(topo: &Topology, usable: &BTreeSet<usize>) -> Vec<Vec<Vec<usize>>> {
    // Per cluster, its cores (in core order), usable CPUs only.
    let mut out = Vec::new();
    for cl in &topo.clusters {
        let cores: Vec<Vec<usize>> = topo
            .cores
            .iter()
            .filter(|core| core.iter().any(|c| cl.contains(c)))
            .map(|core| {
                core.iter()
                    .copied()
                    .filter(|c| usable.contains(c))
                    .collect::<Vec<_>>()
            })
            .filter(|core| !core.is_empty())
            .collect();
        if !cores.is_empty() {
            out.push(cores);
        }
    }
    for &id in usable {
        if topo.cpu(id).is_none() {
            out.push(vec![vec![id]]);
        }
    }
    out
}

/// Groups for up to `want` copies (all that fit when `want` is None).
fn assign(
    strategy: Strategy,
    topo: &Topology,
    usable: &BTreeSet<usize>,
    actors: usize,
    want: Option<usize>,
) -> Vec<Vec<usize>> {
    let limit = want.unwrap_or(usize::MAX);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    match strategy {
        Strategy::Spread | Strategy::Random => {
            let slots = slot_order(&known_cores(topo, usable), usable);
            for chunk in slots.chunks_exact(actors).take(limit) {
                groups.push(chunk.to_vec());
            }
        }
        Strategy::Smt => {
            for core in known_cores(topo, usable) {
                let threads: Vec<usize> = core.into_iter().filter(|c| usable.contains(c)).collect();
                if groups.len() < limit && threads.len() >= actors {
                    groups.push(threads[..actors].to_vec());
                }
            }
        }
        Strategy::Cluster => {
            for cores in clusters_of(topo, usable) {
                if cores.len() < actors {
                    continue; // a copy's actors need distinct cores
                }
                let slots = slot_order(&cores, usable);
                for chunk in slots.chunks_exact(actors) {
                    if groups.len() < limit {
                        groups.push(chunk.to_vec());
                    }
                }
            }
        }
        Strategy::Cross => {
            let clusters = clusters_of(topo, usable);
            // Alternate sockets: the k-th cluster of every socket, then the
            // (k+1)-th, ...
            let socket = |cl: &Vec<Vec<usize>>| topo.cpu(cl[0][0]).map_or(u32::MAX, |c| c.package);
            let sockets: BTreeSet<u32> = clusters.iter().map(socket).collect();
            let mut ordered: Vec<Vec<usize>> = Vec::new();
            let per_socket: Vec<Vec<&Vec<Vec<usize>>>> = sockets
                .iter()
                .map(|&s| clusters.iter().filter(|cl| socket(cl) == s).collect())
                .collect();
            let depth = per_socket.iter().map(Vec::len).max().unwrap_or(0);
            for k in 0..depth {
                for list in &per_socket {
                    if let Some(cl) = list.get(k) {
                        ordered.push(slot_order(cl, usable));
                    }
                }
            }
            let wanted = actors.min(ordered.len());
            let mut next = vec![0usize; ordered.len()];
            let mut start = 0usize;
            while groups.len() < limit && wanted >= 2 {
                let n = ordered.len();
                let avail: Vec<usize> = (0..n)
                    .map(|k| (start + k) % n)
                    .filter(|&i| next[i] < ordered[i].len())
                    .collect();
                // Enough clusters with free CPUs, and enough free CPUs.
                let free: usize = avail.iter().map(|&i| ordered[i].len() - next[i]).sum();
                if avail.len() < wanted || free < actors {
                    break;
                }
                let mut group = Vec::with_capacity(actors);
                let mut k = 0;
                while group.len() < actors {
                    let i = avail[k % avail.len()];
                    if next[i] < ordered[i].len() {
                        group.push(ordered[i][next[i]]);
                        next[i] += 1;
                    }
                    k += 1;
                    if k > actors * n + n {
                        break;
                    }
                }
                if group.len() < actors {
                    break;
                }
                groups.push(group);
                start = (start + wanted) % n;
            }
        }
    }
    groups
}

/// Why `strategy` cannot place even one copy here (None: it can, given
/// enough CPUs).
fn structural_error(
    strategy: Strategy,
    topo: &Topology,
    usable: &BTreeSet<usize>,
    actors: usize,
) -> Option<String> {
    let cpus = format_cpu_list(&usable.iter().copied().collect::<Vec<_>>());
    match strategy {
        Strategy::Spread | Strategy::Random => None,
        Strategy::Smt => {
            let most = known_cores(topo, usable)
                .iter()
                .map(|c| c.iter().filter(|id| usable.contains(id)).count())
                .max()
                .unwrap_or(0);
            if most >= actors {
                None
            } else if most <= 1 {
                Some(format!(
                    "--placement smt needs SMT (a core with {actors} hardware threads for the \
                     {actors} actors), but every usable core here (CPUs {cpus}) has 1 thread{}; \
                     use --placement spread or cluster",
                    if topo.source == "none" {
                        " as far as this system tells (no sysfs topology)"
                    } else {
                        ""
                    }
                ))
            } else {
                Some(format!(
                    "--placement smt needs a core with {actors} usable hardware threads for the \
                     {actors} actors; the most here is {most}"
                ))
            }
        }
        Strategy::Cluster => {
            let clusters = clusters_of(topo, usable);
            let largest = clusters.iter().map(Vec::len).max().unwrap_or(0);
            (largest < actors).then(|| {
                format!(
                    "--placement cluster needs {actors} cores that share a cache cluster for the \
                     {actors} actors; the largest cache cluster here has {largest} usable core(s) \
                     (clusters from {}; usable CPUs {cpus})",
                    topo.cluster_source
                )
            })
        }
        Strategy::Cross => {
            let clusters = clusters_of(topo, usable).len();
            (clusters < 2).then(|| {
                format!(
                    "--placement cross needs usable CPUs in at least 2 sockets or cache \
                     clusters; all usable CPUs here ({cpus}) are in one {} (clusters from {})",
                    if topo.packages().len() > 1 {
                        "cache cluster"
                    } else {
                        "socket and one cache cluster"
                    },
                    topo.cluster_source
                )
            })
        }
    }
}

/// Decides where the copies run.
///
/// * `usable`: the CPUs this process may run on (its affinity mask);
/// * `budget`: how many threads may run at once without oversubscription
///   (the usable CPUs, lowered by a cgroup CPU quota);
/// * `actors`: pinned threads per copy.
pub fn plan(
    topo: &Topology,
    usable: &[usize],
    budget: usize,
    actors: usize,
    copies: Copies,
    request: &Request,
) -> Result<Plan, String> {
    let actors = actors.max(1);
    let usable_set: BTreeSet<usize> = usable.iter().copied().collect();
    let budget = budget.clamp(1, usable_set.len().max(1));
    let cores = known_cores(topo, &usable_set)
        .iter()
        .filter(|c| c.iter().any(|id| usable_set.contains(id)))
        .count()
        .max(1);
    let unpinned = |copies: usize, strategy: &str, oversubscribed: bool| Plan {
        strategy: strategy.to_string(),
        copies,
        groups: None,
        oversubscribed,
        warning: oversubscribed.then(|| {
            format!(
                "{copies} cop{} x {actors} actors = {} threads but {budget} usable CPU(s): \
                 running unpinned (oversubscribed; results are valid, hunting power is lower)",
                if copies == 1 { "y" } else { "ies" },
                copies * actors
            )
        }),
        random_pool: None,
    };
    match request {
        Request::Unpinned => {
            let n = match copies {
                Copies::N(n) => n,
                Copies::Auto => (cores / actors).clamp(1, (budget / actors).max(1)),
            };
            Ok(unpinned(n, "unpinned", n * actors > budget))
        }
        Request::Cpus(groups) => {
            if let Copies::N(n) = copies {
                if n != groups.len() {
                    return Err(format!(
                        "--copies {n} but --cpus gives {} group(s); --cpus sets one group per \
                         copy (leave --copies out or make them agree)",
                        groups.len()
                    ));
                }
            }
            let mut seen = BTreeSet::new();
            for (i, g) in groups.iter().enumerate() {
                if g.len() != actors {
                    return Err(format!(
                        "--cpus group {} ({}) has {} CPU(s), but the scenario has {actors} \
                         actors: give one CPU per actor",
                        i + 1,
                        format_cpu_list(g),
                        g.len()
                    ));
                }
                for &c in g {
                    if !usable_set.contains(&c) {
                        return Err(format!(
                            "--cpus names CPU {c}, which this process may not use (usable CPUs: \
                             {})",
                            format_cpu_list(usable)
                        ));
                    }
                    if !seen.insert(c) {
                        return Err(format!(
                            "--cpus names CPU {c} twice; every actor thread needs a CPU of its own"
                        ));
                    }
                }
            }
            Ok(Plan {
                strategy: "cpus".into(),
                copies: groups.len(),
                groups: Some(groups.clone()),
                oversubscribed: false,
                warning: None,
                random_pool: None,
            })
        }
        Request::Strategy(strategy) => {
            if let Some(e) = structural_error(*strategy, topo, &usable_set, actors) {
                return Err(e);
            }
            let fit = assign(*strategy, topo, &usable_set, actors, None).len();
            let n = match copies {
                Copies::N(n) => n,
                Copies::Auto => {
                    let auto = match strategy {
                        // One actor per physical core.
                        Strategy::Spread | Strategy::Random => cores / actors,
                        _ => fit,
                    };
                    auto.min(budget / actors).max(1)
                }
            };
            if n * actors > budget {
                return Ok(unpinned(n, strategy.as_str(), true));
            }
            let groups = assign(*strategy, topo, &usable_set, actors, Some(n));
            if groups.len() < n {
                return Err(format!(
                    "--placement {} fits {} cop{} of {actors} actors on this machine's usable \
                     CPUs ({}); asked for {n} (use --copies auto)",
                    strategy.as_str(),
                    groups.len(),
                    if groups.len() == 1 { "y" } else { "ies" },
                    format_cpu_list(usable)
                ));
            }
            let mut warning = None;
            if *strategy == Strategy::Spread && n * actors > cores {
                warning = Some(format!(
                    "{} threads on {cores} physical cores: some actors share a core with \
                     another copy's actor (SMT)",
                    n * actors
                ));
            }
            Ok(Plan {
                strategy: strategy.as_str().into(),
                copies: n,
                groups: Some(groups),
                oversubscribed: false,
                warning,
                random_pool: (*strategy == Strategy::Random)
                    .then(|| usable_set.iter().copied().collect()),
            })
        }
    }
}

/// How a copy's CPUs relate: the farthest relation between two of them.
pub fn relation_text(topo: &Topology, cpus: &[usize]) -> String {
    match topo.span(cpus) {
        Some(r) => r.as_str().to_string(),
        None if cpus.len() == 1 => "one-cpu".to_string(),
        None => "unpinned".to_string(),
    }
}
