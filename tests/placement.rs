//! The sysfs topology parser on fixture trees, and placement planning on
//! those topologies (a pure function, so every strategy is checked on
//! machines we do not have): every placement either works, with the
//! relation it promises, or says what is missing.

use orderhunt::machine::placement::{
    parse_copies, parse_cpu_group, plan, Copies, Plan, Request, Strategy,
};
use orderhunt::machine::topology::{read_tree, Relation, Topology};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn fixture(name: &str) -> Topology {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/topology")
        .join(name);
    let files = read_tree(&root);
    assert!(!files.is_empty(), "{} has no files", root.display());
    Topology::parse(&files).unwrap_or_else(|| panic!("{name}: no topology parsed"))
}

fn all_cpus(t: &Topology) -> Vec<usize> {
    t.cpus.iter().map(|c| c.id).collect()
}

const STRATEGIES: [Strategy; 5] = [
    Strategy::Spread,
    Strategy::Smt,
    Strategy::Cluster,
    Strategy::Cross,
    Strategy::Random,
];

fn planned(t: &Topology, actors: usize, copies: Copies, s: Strategy) -> Result<Plan, String> {
    let cpus = all_cpus(t);
    plan(t, &cpus, cpus.len(), actors, copies, &Request::Strategy(s))
}

/// Every group has `actors` distinct CPUs, no CPU serves two threads.
fn assert_disjoint(p: &Plan, actors: usize) {
    let groups = p.groups.as_ref().expect("pinned");
    assert_eq!(groups.len(), p.copies);
    let mut seen = BTreeSet::new();
    for g in groups {
        assert_eq!(g.len(), actors);
        for c in g {
            assert!(seen.insert(*c), "CPU {c} used twice in {groups:?}");
        }
    }
}

fn relations(t: &Topology, p: &Plan) -> BTreeSet<Relation> {
    p.groups
        .as_ref()
        .unwrap()
        .iter()
        .map(|g| t.span(g).unwrap())
        .collect()
}

#[test]
fn x86_two_socket_server_with_smt() {
    let t = fixture("x86-2s-16c-smt");
    assert_eq!(t.cpus.len(), 32);
    assert_eq!(t.cores.len(), 16);
    assert_eq!(t.packages().len(), 2);
    assert_eq!(t.nodes().len(), 2);
    assert_eq!(t.max_threads_per_core(), 2);
    // L2 is per core, so the clusters are the sockets' L3s.
    assert_eq!(t.cluster_source, "cache L3");
    assert_eq!(t.clusters.len(), 2);
    assert_eq!(
        t.clusters[0],
        [(0..8).collect::<Vec<_>>(), (16..24).collect()].concat()
    );
    assert_eq!(t.cpu(3).unwrap().siblings, vec![3, 19]);
    assert_eq!(t.cpu(9).unwrap().node, Some(1));
    assert_eq!(t.relation(3, 19), Relation::SameCore);
    assert_eq!(t.relation(0, 1), Relation::SameCluster);
    assert_eq!(t.relation(0, 8), Relation::CrossSocket);
    assert_eq!(t.relation(5, 5), Relation::SameCpu);

    // spread, auto: one actor per physical core: 16 cores / 2 actors.
    let p = planned(&t, 2, Copies::Auto, Strategy::Spread).unwrap();
    assert_eq!(p.copies, 8);
    assert_disjoint(&p, 2);
    let used: BTreeSet<usize> = p.groups.iter().flatten().flatten().copied().collect();
    let cores: BTreeSet<Vec<usize>> = used
        .iter()
        .map(|&c| t.cpu(c).unwrap().siblings.clone())
        .collect();
    assert_eq!(cores.len(), 16, "every actor on its own physical core");
    assert!(relations(&t, &p)
        .iter()
        .all(|&r| r >= Relation::SameCluster));

    // smt: 16 copies, each on one core's two threads.
    let p = planned(&t, 2, Copies::Auto, Strategy::Smt).unwrap();
    assert_eq!(p.copies, 16);
    assert_disjoint(&p, 2);
    assert_eq!(relations(&t, &p), BTreeSet::from([Relation::SameCore]));

    // cluster: both actors in one socket's L3, on different cores.
    let p = planned(&t, 2, Copies::Auto, Strategy::Cluster).unwrap();
    assert_eq!(p.copies, 16);
    assert_disjoint(&p, 2);
    assert_eq!(relations(&t, &p), BTreeSet::from([Relation::SameCluster]));

    // cross: here that is cross-socket.
    let p = planned(&t, 2, Copies::Auto, Strategy::Cross).unwrap();
    assert_eq!(p.copies, 16);
    assert_disjoint(&p, 2);
    assert_eq!(relations(&t, &p), BTreeSet::from([Relation::CrossSocket]));

    // Four actors (IRIW) cross: dealt over the 2 sockets, consecutive
    // actors on different sockets.
    let p = planned(&t, 4, Copies::N(2), Strategy::Cross).unwrap();
    for g in p.groups.as_ref().unwrap() {
        for w in g.windows(2) {
            assert_eq!(t.relation(w[0], w[1]), Relation::CrossSocket, "{g:?}");
        }
    }
    // smt cannot put 4 actors on a 2-thread core.
    let e = planned(&t, 4, Copies::Auto, Strategy::Smt).unwrap_err();
    assert!(
        e.contains("4 usable hardware threads") && e.contains("most here is 2"),
        "{e}"
    );
    // Asking for more smt copies than cores (within the CPU budget) fails.
    let e = planned(&t, 1, Copies::N(17), Strategy::Smt).unwrap_err();
    assert!(
        e.contains("fits 16 copies") && e.contains("asked for 17"),
        "{e}"
    );
}

#[test]
fn arm_server_without_smt_clusters_of_four() {
    let t = fixture("arm64-64c-cluster4");
    assert_eq!(t.cpus.len(), 64);
    assert_eq!(t.cores.len(), 64);
    assert_eq!(t.max_threads_per_core(), 1);
    assert_eq!(t.packages().len(), 1);
    // The smallest shared cache, the cluster L2, wins over the global L3.
    assert_eq!(t.cluster_source, "cache L2");
    assert_eq!(t.clusters.len(), 16);
    assert!(t.clusters.iter().all(|c| c.len() == 4));
    assert_eq!(t.relation(0, 3), Relation::SameCluster);
    assert_eq!(t.relation(3, 4), Relation::SameSocket);

    let p = planned(&t, 2, Copies::Auto, Strategy::Spread).unwrap();
    assert_eq!(p.copies, 32, "64 cores / 2 actors");
    assert_disjoint(&p, 2);

    let e = planned(&t, 2, Copies::Auto, Strategy::Smt).unwrap_err();
    assert!(e.contains("needs SMT") && e.contains("1 thread"), "{e}");

    let p = planned(&t, 2, Copies::Auto, Strategy::Cluster).unwrap();
    assert_eq!(p.copies, 32);
    assert_eq!(relations(&t, &p), BTreeSet::from([Relation::SameCluster]));
    // Three actors: one copy per cluster of 4 (the fourth core idles).
    let p = planned(&t, 3, Copies::Auto, Strategy::Cluster).unwrap();
    assert_eq!(p.copies, 16);
    assert_eq!(relations(&t, &p), BTreeSet::from([Relation::SameCluster]));
    let e = planned(&t, 5, Copies::Auto, Strategy::Cluster).unwrap_err();
    assert!(e.contains("largest cache cluster here has 4"), "{e}");

    let p = planned(&t, 2, Copies::Auto, Strategy::Cross).unwrap();
    assert_eq!(p.copies, 32);
    assert_disjoint(&p, 2);
    assert_eq!(relations(&t, &p), BTreeSet::from([Relation::SameSocket]));
}

#[test]
fn big_little_machine() {
    let t = fixture("arm64-biglittle-4+4");
    assert_eq!(t.cpus.len(), 8);
    assert_eq!(t.clusters, vec![vec![0, 1, 2, 3], vec![4, 5, 6, 7]]);
    assert_eq!(t.cpu(5).unwrap().cluster_id, Some(1));
    let l2 = |id: usize| {
        t.cpu(id)
            .unwrap()
            .caches
            .iter()
            .find(|c| c.level == 2)
            .cloned()
    };
    assert_eq!(l2(0).unwrap().size.as_deref(), Some("512K"));
    assert_eq!(l2(7).unwrap().size.as_deref(), Some("1024K"));

    let p = planned(&t, 2, Copies::Auto, Strategy::Cross).unwrap();
    assert_eq!(p.copies, 4);
    for g in p.groups.as_ref().unwrap() {
        assert_eq!(t.relation(g[0], g[1]), Relation::SameSocket);
        assert_ne!(
            t.cluster_of(g[0]),
            t.cluster_of(g[1]),
            "one little, one big"
        );
    }
    let p = planned(&t, 2, Copies::Auto, Strategy::Cluster).unwrap();
    assert_eq!(p.copies, 4);
    assert_eq!(relations(&t, &p), BTreeSet::from([Relation::SameCluster]));
    assert!(planned(&t, 2, Copies::Auto, Strategy::Smt).is_err());
}

#[test]
fn the_two_core_vm_this_was_built_on() {
    // A copy of a real 2-CPU x86-64 VM's sysfs: cluster_id 65535 (unset),
    // private L2s, one shared L3.
    let t = fixture("x86-vm-2core");
    assert_eq!(t.cpus.len(), 2);
    assert_eq!(t.cpu(0).unwrap().cluster_id, None);
    assert_eq!(t.clusters, vec![vec![0, 1]]);
    assert_eq!(t.relation(0, 1), Relation::SameCluster);
    let spread = planned(&t, 2, Copies::Auto, Strategy::Spread).unwrap();
    assert_eq!(spread.groups, Some(vec![vec![0, 1]]));
    assert!(planned(&t, 2, Copies::Auto, Strategy::Cluster).is_ok());
    assert!(planned(&t, 2, Copies::Auto, Strategy::Random).is_ok());
    let e = planned(&t, 2, Copies::Auto, Strategy::Cross).unwrap_err();
    assert!(e.contains("at least 2 sockets or cache clusters"), "{e}");
    assert!(planned(&t, 2, Copies::Auto, Strategy::Smt).is_err());
    // Three copies of two actors on two CPUs: oversubscribed, unpinned,
    // recorded; for every strategy that can place one copy at all.
    for s in STRATEGIES {
        if let Ok(p) = planned(&t, 2, Copies::N(3), s) {
            assert!(p.oversubscribed && p.groups.is_none(), "{s:?}");
            assert!(p.warning.unwrap().contains("6 threads but 2 usable"));
        }
    }
    // A four-actor scenario under spread: one copy, oversubscribed.
    let p = planned(&t, 4, Copies::Auto, Strategy::Spread).unwrap();
    assert_eq!((p.copies, p.oversubscribed), (1, true));
}

#[test]
fn every_strategy_works_or_says_why_on_every_fixture() {
    for name in [
        "x86-2s-16c-smt",
        "arm64-64c-cluster4",
        "arm64-biglittle-4+4",
        "x86-vm-2core",
    ] {
        let t = fixture(name);
        for actors in 1..=4 {
            for s in STRATEGIES {
                match planned(&t, actors, Copies::Auto, s) {
                    Ok(p) => {
                        assert!(p.copies >= 1);
                        if p.groups.is_some() {
                            assert_disjoint(&p, actors);
                        } else {
                            assert!(p.oversubscribed, "{name} {s:?} {actors}");
                        }
                        let promised = match s {
                            Strategy::Smt => Some(Relation::SameCore),
                            Strategy::Cluster => Some(Relation::SameCluster),
                            _ => None,
                        };
                        if let (Some(bound), Some(groups), true) = (promised, &p.groups, actors > 1)
                        {
                            for g in groups {
                                assert!(t.span(g).unwrap() <= bound, "{name} {s:?} {g:?}");
                            }
                        }
                        if let (Strategy::Cross, true, Some(groups)) = (s, actors > 1, &p.groups) {
                            for g in groups {
                                assert!(t.span(g).unwrap() >= Relation::SameSocket);
                            }
                        }
                    }
                    Err(e) => assert!(e.starts_with("--placement"), "{name} {s:?}: {e}"),
                }
            }
        }
    }
}

#[test]
fn a_container_limited_to_four_cpus_uses_those_four() {
    let t = fixture("x86-2s-16c-smt");
    // The affinity mask allows CPUs 4, 5, 20, 21 (cores 4 and 5, both threads).
    let usable = [4, 5, 20, 21];
    let p = plan(
        &t,
        &usable,
        4,
        2,
        Copies::Auto,
        &Request::Strategy(Strategy::Spread),
    )
    .unwrap();
    assert_eq!(p.copies, 1, "2 cores / 2 actors");
    assert_eq!(p.groups, Some(vec![vec![4, 5]]));
    let p = plan(
        &t,
        &usable,
        4,
        2,
        Copies::Auto,
        &Request::Strategy(Strategy::Smt),
    )
    .unwrap();
    assert_eq!(p.groups, Some(vec![vec![4, 20], vec![5, 21]]));
    let e = plan(
        &t,
        &usable,
        4,
        2,
        Copies::Auto,
        &Request::Strategy(Strategy::Cross),
    )
    .unwrap_err();
    assert!(e.contains("(4-5,20-21)"), "{e}");
    // A CPU quota of 2 (budget) keeps auto at one copy and makes 2 copies
    // oversubscribed.
    let p = plan(
        &t,
        &usable,
        2,
        2,
        Copies::N(2),
        &Request::Strategy(Strategy::Smt),
    )
    .unwrap();
    assert!(p.oversubscribed);
    // --cpus outside the mask is refused.
    let e = plan(
        &t,
        &usable,
        4,
        2,
        Copies::Auto,
        &Request::Cpus(vec![vec![0, 4]]),
    )
    .unwrap_err();
    assert!(e.contains("CPU 0") && e.contains("4-5,20-21"), "{e}");
}

#[test]
fn explicit_cpu_groups() {
    let t = fixture("x86-2s-16c-smt");
    let cpus = all_cpus(&t);
    let groups = vec![
        parse_cpu_group("0,8").unwrap(),
        parse_cpu_group("2-3").unwrap(),
    ];
    let p = plan(
        &t,
        &cpus,
        32,
        2,
        Copies::Auto,
        &Request::Cpus(groups.clone()),
    )
    .unwrap();
    assert_eq!((p.copies, p.groups), (2, Some(groups.clone())));
    let e = plan(
        &t,
        &cpus,
        32,
        2,
        Copies::N(3),
        &Request::Cpus(groups.clone()),
    )
    .unwrap_err();
    assert!(e.contains("--copies 3 but --cpus gives 2"), "{e}");
    let e = plan(&t, &cpus, 32, 3, Copies::Auto, &Request::Cpus(groups)).unwrap_err();
    assert!(e.contains("3 actors"), "{e}");
    let dup = vec![vec![0, 1], vec![1, 2]];
    let e = plan(&t, &cpus, 32, 2, Copies::Auto, &Request::Cpus(dup)).unwrap_err();
    assert!(e.contains("CPU 1 twice"), "{e}");
    assert!(parse_cpu_group("0,x").is_err());
    assert_eq!(parse_copies("auto"), Ok(Copies::Auto));
    assert_eq!(parse_copies("3"), Ok(Copies::N(3)));
    assert!(parse_copies("0").is_err());
}

#[test]
fn random_draws_change_by_round_and_replay_by_seed() {
    let t = fixture("arm64-64c-cluster4");
    let p = planned(&t, 2, Copies::N(8), Strategy::Random).unwrap();
    let a = p.draw(42, 0).unwrap();
    assert_eq!(a, p.draw(42, 0).unwrap(), "same seed and round, same draw");
    assert_ne!(a, p.draw(42, 1).unwrap(), "another round, another draw");
    for round in 0..20 {
        let g = p.draw(7, round).unwrap();
        let flat: BTreeSet<usize> = g.iter().flatten().copied().collect();
        assert_eq!((g.len(), flat.len()), (8, 16), "disjoint CPUs");
    }
}

#[test]
fn cluster_ids_group_cores_when_no_cache_is_shared() {
    // An Arm board whose sysfs shows no caches, only cluster ids.
    let mut files = BTreeMap::new();
    for cpu in 0..4 {
        let t = format!("cpu/cpu{cpu}/topology");
        files.insert(format!("{t}/physical_package_id"), "0\n".to_string());
        files.insert(format!("{t}/core_id"), format!("{}\n", cpu % 2));
        files.insert(format!("{t}/cluster_id"), format!("{}\n", cpu / 2));
        files.insert(format!("{t}/thread_siblings_list"), format!("{cpu}\n"));
    }
    let t = Topology::parse(&files).unwrap();
    assert_eq!(t.cluster_source, "cluster_id");
    assert_eq!(t.clusters, vec![vec![0, 1], vec![2, 3]]);
    assert_eq!(t.relation(0, 1), Relation::SameCluster);
    assert_eq!(t.relation(1, 2), Relation::SameSocket);
    assert!(Topology::parse(&BTreeMap::new()).is_none());
}
