//! What machine a report comes from, and which build of orderhunt wrote it.
//!
//! Reports from different machines are compared side by side, so the
//! machine section must say what the memory ordering under test really was.
//! The subtle case is emulation: an aarch64 binary run by qemu-user on an
//! x86-64 host reports `arch: aarch64`, yet every load and store runs on
//! the host's x86 cores, under x86-TSO. [`detect`] spots that by comparing
//! the compiled architecture with what the kernel says about the CPU.
//!
//! `uname(2)` is no help there: qemu-user answers it itself with the guest's
//! machine name (`aarch64`). It does pass the host's `/proc/cpuinfo` and
//! `/proc/sys/kernel/arch` through, and those are what we read.
//!
//! Parsing is done by pure functions over file contents so it is unit-tested
//! with sample texts; [`detect`] only gathers the texts.

//!
//! The folder: this file detects the machine; [`topology`] reads its CPU
//! topology from sysfs; [`placement`] decides where actor threads run.

pub mod placement;
pub mod topology;

use self::topology::Topology;
use crate::export::report::{Machine, Tool, TopologyRecord};
use std::fs;
use std::process::Command;

/// The target triple this binary was built for.
pub const TARGET: &str = env!("ORDERHUNT_TARGET");

/// What `orderhunt --version` prints after the name: the package version,
/// the git commit of the build (`unknown` when build.rs could not tell) and
/// the target, e.g. `0.1.0 (commit 1a2b3c4d5, x86_64-unknown-linux-gnu)`.
pub const VERSION: &str = env!("ORDERHUNT_VERSION");

/// Facts about this process's machine. Never fails: what cannot be found
/// out is `None`.
pub fn detect() -> Machine {
    let arch = std::env::consts::ARCH;
    let cpuinfo = read_nonempty("/proc/cpuinfo");
    let kernel_arch = read_trimmed("/proc/sys/kernel/arch");

    let cpu_model = cpuinfo
        .as_deref()
        .and_then(parse_cpu_model)
        .or_else(platform_cpu_model);

    let (emulated, emulation_note) = if cpuinfo.is_some() || kernel_arch.is_some() {
        decide_emulation(arch, cpuinfo.as_deref(), kernel_arch.as_deref())
    } else {
        platform_emulation(arch)
    };

    Machine {
        arch: arch.to_string(),
        os: std::env::consts::OS.to_string(),
        kernel: kernel_release(),
        cpu_model,
        logical_cpus: num_cpus::get(),
        physical_cpus: num_cpus::get_physical(),
        hostname: hostname(),
        rustc: option_env!("ORDERHUNT_RUSTC").map(str::to_string),
        profile: env!("ORDERHUNT_PROFILE").to_string(),
        emulated,
        emulation_note: Some(emulation_note),
        topology: Some(topology_record(cpus())),
        platform_notes: platform_notes(std::env::consts::OS, arch)
            .into_iter()
            .map(str::to_string)
            .collect(),
    }
}

/// What `os` lacks that a run relies on, for the report's `machine`.
///
/// orderhunt is built and tested on Linux, where actor threads are pinned
/// with `sched_setaffinity`, SIGINT and SIGTERM stop a run gracefully, and
/// `/proc` tells the CPU model and emulation. Elsewhere each missing piece
/// degrades (threads run unpinned, the fact is unknown) and is named here.
pub fn platform_notes(os: &str, arch: &str) -> Vec<&'static str> {
    match os {
        "linux" | "android" => Vec::new(),
        "macos" => {
            let mut notes = vec![
                "thread pinning: macOS has no hard CPU affinity; orderhunt asks for a \
                 THREAD_AFFINITY_POLICY tag, which Apple silicon refuses (actor threads then \
                 run unpinned: `pinned` is null and the run warns) and which Intel Macs treat \
                 as a scheduling hint only",
                "machine facts: no /proc; the CPU model comes from sysctl \
                 machdep.cpu.brand_string and emulation (Rosetta 2) from sysctl \
                 hw.optional.arm64",
            ];
            if arch == "aarch64" {
                notes.push(
                    "memory model: Apple silicon cores also have a TSO mode, which Rosetta 2 \
                     turns on for translated x86_64 code; this aarch64 binary runs in the \
                     default, weakly ordered Arm mode",
                );
            }
            notes
        }
        "windows" => vec![
            "thread pinning: SetThreadAffinityMask, within the process's processor group \
             (at most 64 logical CPUs)",
            "signals: Ctrl-C (SIGINT) stops a run gracefully; Windows sends no SIGTERM, and \
             closing the console or `taskkill /F` ends the process without a report",
            "machine facts: no /proc; no kernel version, the CPU model from \
             PROCESSOR_IDENTIFIER, emulation judged from PROCESSOR_IDENTIFIER's CPU family",
        ],
        _ => vec![
            "untested platform: thread pinning, signals and machine facts work as far as \
             the OS offers them; what is unknown is left null",
        ],
    }
}

/// The CPUs this process may use and how they are laid out.
#[derive(Debug, Clone)]
pub struct CpuView {
    pub topology: Topology,
    /// The affinity mask (a cgroup cpuset narrows it), sorted.
    pub usable: Vec<usize>,
    /// Threads that can run at once: the usable CPUs, lowered by a cgroup
    /// CPU quota (`num_cpus::get` reads both).
    pub budget: usize,
}

/// This process's [`CpuView`], read once (from the main thread, which is
/// never pinned, so its mask is the process's).
pub fn cpus() -> &'static CpuView {
    static VIEW: std::sync::OnceLock<CpuView> = std::sync::OnceLock::new();
    VIEW.get_or_init(|| {
        let usable = topology::allowed_cpus();
        let topology = Topology::detect(&usable);
        let budget = usable.len().min(num_cpus::get()).max(1);
        CpuView {
            topology,
            usable,
            budget,
        }
    })
}

/// The report's record of a [`CpuView`].
pub fn topology_record(view: &CpuView) -> TopologyRecord {
    let t = &view.topology;
    TopologyRecord {
        source: t.source.clone(),
        sockets: t.packages().len(),
        numa_nodes: t.nodes().len(),
        clusters: t.clusters.len(),
        cluster_source: t.cluster_source.clone(),
        cores: t.cores.len(),
        cpus: t.cpus.len(),
        threads_per_core: t.max_threads_per_core(),
        usable_cpus: topology::format_cpu_list(&view.usable),
        cpu_budget: view.budget,
    }
}

/// Name, version and commit of this build.
pub fn tool() -> Tool {
    Tool {
        name: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit: option_env!("ORDERHUNT_GIT_COMMIT").map(str::to_string),
    }
}

/// A family of architectures sharing one hardware memory model (a 32-bit
/// x86 binary on an x86-64 CPU is native, not emulated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchFamily {
    X86,
    Arm,
    RiscV,
    Power,
    S390,
    LoongArch,
    Mips,
    Sparc,
}

impl ArchFamily {
    /// How the family is named in notes ("an x86 CPU").
    pub fn name(self) -> &'static str {
        match self {
            ArchFamily::X86 => "x86",
            ArchFamily::Arm => "Arm",
            ArchFamily::RiscV => "RISC-V",
            ArchFamily::Power => "POWER",
            ArchFamily::S390 => "s390",
            ArchFamily::LoongArch => "LoongArch",
            ArchFamily::Mips => "MIPS",
            ArchFamily::Sparc => "SPARC",
        }
    }

    /// The name with its indefinite article ("an x86", "a RISC-V").
    fn with_article(self) -> String {
        let an = matches!(self, ArchFamily::X86 | ArchFamily::Arm | ArchFamily::S390);
        format!("{} {}", if an { "an" } else { "a" }, self.name())
    }

    /// The family's hardware memory model, in a few words.
    pub fn memory_model(self) -> &'static str {
        match self {
            ArchFamily::X86 => "x86-TSO",
            ArchFamily::Arm => "Arm, weakly ordered",
            ArchFamily::RiscV => "RVWMO, weakly ordered",
            ArchFamily::Power => "POWER, weakly ordered",
            ArchFamily::S390 => "z/Architecture, TSO-like",
            ArchFamily::LoongArch => "LoongArch, weakly ordered",
            ArchFamily::Mips => "MIPS, weakly ordered",
            ArchFamily::Sparc => "SPARC TSO",
        }
    }

    /// True for families that only allow store->load reordering.
    fn is_tso(self) -> bool {
        matches!(self, ArchFamily::X86 | ArchFamily::S390 | ArchFamily::Sparc)
    }
}

/// The family of a Rust target architecture (`std::env::consts::ARCH`).
pub fn arch_family(rust_arch: &str) -> Option<ArchFamily> {
    Some(match rust_arch {
        "x86" | "x86_64" => ArchFamily::X86,
        "arm" | "aarch64" | "arm64ec" => ArchFamily::Arm,
        "riscv32" | "riscv64" => ArchFamily::RiscV,
        "powerpc" | "powerpc64" => ArchFamily::Power,
        "s390x" => ArchFamily::S390,
        "loongarch64" => ArchFamily::LoongArch,
        "mips" | "mips64" | "mips32r6" | "mips64r6" => ArchFamily::Mips,
        "sparc" | "sparc64" => ArchFamily::Sparc,
        _ => return None,
    })
}

/// The family of a kernel machine name (`/proc/sys/kernel/arch`,
/// `uname -m`): `x86_64`, `i686`, `aarch64`, `armv7l`, `ppc64le`...
pub fn kernel_arch_family(machine: &str) -> Option<ArchFamily> {
    let m = machine.trim();
    let family = if m == "x86_64" || m == "amd64" || is_ix86(m) {
        ArchFamily::X86
    } else if m.starts_with("aarch64") || m.starts_with("arm") {
        ArchFamily::Arm
    } else if m.starts_with("riscv") {
        ArchFamily::RiscV
    } else if m.starts_with("ppc") || m.starts_with("powerpc") {
        ArchFamily::Power
    } else if m.starts_with("s390") {
        ArchFamily::S390
    } else if m.starts_with("loongarch") {
        ArchFamily::LoongArch
    } else if m.starts_with("mips") {
        ArchFamily::Mips
    } else if m.starts_with("sparc") {
        ArchFamily::Sparc
    } else {
        return None;
    };
    Some(family)
}

fn is_ix86(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() == 4 && b[0] == b'i' && (b'3'..=b'6').contains(&b[1]) && &m[2..] == "86"
}

/// `key : value` pairs of a `/proc/cpuinfo` text, in order.
fn cpuinfo_fields(cpuinfo: &str) -> impl Iterator<Item = (&str, &str)> {
    cpuinfo.lines().filter_map(|line| {
        let (key, value) = line.split_once(':')?;
        Some((key.trim(), value.trim()))
    })
}

fn first_field<'a>(cpuinfo: &'a str, key: &str) -> Option<&'a str> {
    cpuinfo_fields(cpuinfo)
        .find(|(k, v)| *k == key && !v.is_empty())
        .map(|(_, v)| v)
}

/// Which family of CPU a `/proc/cpuinfo` text describes, from the fields
/// each architecture's kernel code prints. `None` if unrecognised.
pub fn cpuinfo_family(cpuinfo: &str) -> Option<ArchFamily> {
    let mut saw_vendor_id = false;
    for (key, value) in cpuinfo_fields(cpuinfo) {
        match key {
            // s390 prints `vendor_id : IBM/S390`; check before x86.
            "vendor_id" if value.contains("S390") => return Some(ArchFamily::S390),
            "# processors" | "bogomips per cpu" => return Some(ArchFamily::S390),
            "vendor_id" => saw_vendor_id = true,
            // x86: `flags : fpu vme ... sse sse2 ...`.
            "flags" if value.split_whitespace().any(|f| f == "sse2" || f == "fpu") => {
                return Some(ArchFamily::X86)
            }
            "CPU implementer" | "CPU architecture" => return Some(ArchFamily::Arm),
            "isa" if value.starts_with("rv") => return Some(ArchFamily::RiscV),
            "isa" if value.starts_with("mips") => return Some(ArchFamily::Mips),
            "cpu" if value.starts_with("POWER") || value.contains("PowerPC") => {
                return Some(ArchFamily::Power)
            }
            "CPU Family" | "Model Name" if value.contains("Loongson") => {
                return Some(ArchFamily::LoongArch)
            }
            "cpu model" if value.contains("MIPS") || value.contains("Loongson") => {
                return Some(ArchFamily::Mips)
            }
            "type" if value.starts_with("sun4") => return Some(ArchFamily::Sparc),
            _ => {}
        }
    }
    // x86 without a `flags` line (truncated sample): `vendor_id` with an x86
    // vendor string is still telling.
    saw_vendor_id.then_some(ArchFamily::X86)
}

/// A human name for the CPU a `/proc/cpuinfo` text describes: x86's
/// `model name`; on Arm the decoded `CPU implementer` / `CPU part` (all
/// distinct core types, big.LITTLE included, e.g.
/// `ARM Cortex-A55 + ARM Cortex-A76`); otherwise the usual model fields.
pub fn parse_cpu_model(cpuinfo: &str) -> Option<String> {
    if let Some(model) = first_field(cpuinfo, "model name") {
        // x86, and 32-bit Arm kernels (`ARMv7 Processor rev 4 (v7l)`), where
        // the implementer/part decoding below is still more precise.
        if first_field(cpuinfo, "CPU implementer").is_none() {
            return Some(model.to_string());
        }
    }

    let mut cores: Vec<(u32, u32)> = Vec::new();
    let mut implementer = None;
    for (key, value) in cpuinfo_fields(cpuinfo) {
        match key {
            "CPU implementer" => implementer = parse_hex(value),
            "CPU part" => {
                if let (Some(imp), Some(part)) = (implementer, parse_hex(value)) {
                    if !cores.contains(&(imp, part)) {
                        cores.push((imp, part));
                    }
                }
            }
            _ => {}
        }
    }
    if !cores.is_empty() {
        let names: Vec<String> = cores
            .iter()
            .map(|&(imp, part)| decode_arm_cpu(imp, part))
            .collect();
        return Some(names.join(" + "));
    }

    [
        "model name",
        "Model Name",
        "cpu model",
        "uarch",
        "cpu",
        "Hardware",
        "machine",
    ]
    .iter()
    .find_map(|key| first_field(cpuinfo, key))
    .map(str::to_string)
}

fn parse_hex(value: &str) -> Option<u32> {
    let v = value.trim();
    let digits = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X"))?;
    u32::from_str_radix(digits, 16).ok()
}

/// Names an Arm core from its MIDR implementer and part number, as
/// util-linux's lscpu does, for the cores orderhunt is likely to meet
/// (servers, Apple silicon, common boards). Unknown parts keep their codes.
pub fn decode_arm_cpu(implementer: u32, part: u32) -> String {
    let vendor = match implementer {
        0x41 => Some("ARM"),
        0x42 => Some("Broadcom"),
        0x43 => Some("Cavium"),
        0x46 => Some("Fujitsu"),
        0x48 => Some("HiSilicon"),
        0x4e => Some("NVIDIA"),
        0x50 => Some("APM"),
        0x51 => Some("Qualcomm"),
        0x53 => Some("Samsung"),
        0x61 => Some("Apple"),
        0x6d => Some("Microsoft"),
        0xc0 => Some("Ampere"),
        _ => None,
    };
    let model = match (implementer, part) {
        (0x41, 0xd03) => Some("Cortex-A53"),
        (0x41, 0xd04) => Some("Cortex-A35"),
        (0x41, 0xd05) => Some("Cortex-A55"),
        (0x41, 0xd07) => Some("Cortex-A57"),
        (0x41, 0xd08) => Some("Cortex-A72"),
        (0x41, 0xd09) => Some("Cortex-A73"),
        (0x41, 0xd0a) => Some("Cortex-A75"),
        (0x41, 0xd0b) => Some("Cortex-A76"),
        (0x41, 0xd0c) => Some("Neoverse-N1"),
        (0x41, 0xd0d) => Some("Cortex-A77"),
        (0x41, 0xd40) => Some("Neoverse-V1"),
        (0x41, 0xd41) => Some("Cortex-A78"),
        (0x41, 0xd44) => Some("Cortex-X1"),
        (0x41, 0xd46) => Some("Cortex-A510"),
        (0x41, 0xd47) => Some("Cortex-A710"),
        (0x41, 0xd48) => Some("Cortex-X2"),
        (0x41, 0xd49) => Some("Neoverse-N2"),
        (0x41, 0xd4a) => Some("Neoverse-E1"),
        (0x41, 0xd4d) => Some("Cortex-A715"),
        (0x41, 0xd4e) => Some("Cortex-X3"),
        (0x41, 0xd4f) => Some("Neoverse-V2"),
        (0x41, 0xd80) => Some("Cortex-A520"),
        (0x41, 0xd81) => Some("Cortex-A720"),
        (0x41, 0xd82) => Some("Cortex-X4"),
        (0x41, 0xd83) => Some("Neoverse-V3AE"),
        (0x41, 0xd84) => Some("Neoverse-V3"),
        (0x41, 0xd85) => Some("Cortex-X925"),
        (0x41, 0xd87) => Some("Cortex-A725"),
        (0x41, 0xd8e) => Some("Neoverse-N3"),
        (0x43, 0x0af) => Some("ThunderX2-99xx"),
        (0x46, 0x001) => Some("A64FX"),
        (0x48, 0xd01) => Some("TaiShan-v110 (Kunpeng 920)"),
        (0x4e, 0x004) => Some("Carmel"),
        (0x50, 0x000) => Some("X-Gene"),
        (0x51, 0x001) => Some("Oryon"),
        (0x61, 0x022) => Some("Icestorm-M1"),
        (0x61, 0x023) => Some("Firestorm-M1"),
        (0x61, 0x024) => Some("Icestorm-M1-Pro"),
        (0x61, 0x025) => Some("Firestorm-M1-Pro"),
        (0x61, 0x028) => Some("Icestorm-M1-Max"),
        (0x61, 0x029) => Some("Firestorm-M1-Max"),
        (0x61, 0x032) => Some("Blizzard-M2"),
        (0x61, 0x033) => Some("Avalanche-M2"),
        (0x61, 0x034) => Some("Blizzard-M2-Pro"),
        (0x61, 0x035) => Some("Avalanche-M2-Pro"),
        (0x61, 0x038) => Some("Blizzard-M2-Max"),
        (0x61, 0x039) => Some("Avalanche-M2-Max"),
        (0xc0, 0xac3) => Some("Ampere-1"),
        (0xc0, 0xac4) => Some("Ampere-1a"),
        (0xc0, 0xac5) => Some("Ampere-1b"),
        _ => None,
    };
    match (vendor, model) {
        (Some(v), Some(m)) => format!("{v} {m}"),
        (Some(v), None) => format!("{v} part {part:#05x}"),
        (None, _) => format!("implementer {implementer:#04x} part {part:#05x}"),
    }
}

/// Decides whether a `binary_arch` binary runs on a CPU of its own family.
///
/// `cpuinfo` is `/proc/cpuinfo`, `kernel_arch` is `/proc/sys/kernel/arch`
/// (Linux 6.1+), either `None` when unreadable. Any source describing
/// another family means emulation (`Some(true)`); sources that agree mean
/// native (`Some(false)`); none usable means unknown (`None`). The note
/// says which sources decided it, and what it means for memory ordering.
pub fn decide_emulation(
    binary_arch: &str,
    cpuinfo: Option<&str>,
    kernel_arch: Option<&str>,
) -> (Option<bool>, String) {
    let Some(binary) = arch_family(binary_arch) else {
        return (
            None,
            format!("unknown: no memory-model family known for binary architecture {binary_arch}"),
        );
    };
    let from_cpuinfo = cpuinfo.and_then(cpuinfo_family);
    let from_kernel = kernel_arch.and_then(|k| kernel_arch_family(k).map(|f| (k.trim(), f)));

    let mismatch = match (from_cpuinfo, from_kernel) {
        (Some(cpu), _) if cpu != binary => Some((
            cpu,
            format!("/proc/cpuinfo describes {} CPU", cpu.with_article()),
        )),
        (_, Some((k, fam))) if fam != binary => {
            Some((fam, format!("/proc/sys/kernel/arch says {k}")))
        }
        _ => None,
    };
    if let Some((host, evidence)) = mismatch {
        let consequence = if host.is_tso() && !binary.is_tso() {
            format!(
                "running under emulation, which keeps the host's ({}) memory ordering; \
                 reorderings that {binary_arch} hardware allows but {} forbids will not \
                 show (compiler reorderings still can)",
                host.memory_model(),
                host.memory_model()
            )
        } else {
            format!(
                "running under emulation or binary translation; the ordering observed is \
                 what the translator enforces on the host's ({}) memory model, not native \
                 {binary_arch}'s",
                host.memory_model()
            )
        };
        return (
            Some(true),
            format!("binary is {binary_arch} but {evidence}: {consequence}"),
        );
    }

    let mut evidence = Vec::new();
    if let Some(cpu) = from_cpuinfo {
        evidence.push(format!(
            "/proc/cpuinfo describes {} CPU",
            cpu.with_article()
        ));
    }
    if let Some((k, _)) = from_kernel {
        evidence.push(format!("/proc/sys/kernel/arch says {k}"));
    }
    if evidence.is_empty() {
        return (
            None,
            "unknown: /proc/cpuinfo and /proc/sys/kernel/arch missing or not recognised"
                .to_string(),
        );
    }
    (
        Some(false),
        format!(
            "binary is {binary_arch} and {}: native execution",
            evidence.join(" and ")
        ),
    )
}

/// The macOS case: an x86_64 binary on Apple silicon runs under Rosetta 2.
/// `hw_optional_arm64` is `sysctl -n hw.optional.arm64` (`1` on Apple
/// silicon, also when asked from a translated process; absent or `0` on
/// Intel Macs).
pub fn decide_emulation_macos(
    binary_arch: &str,
    hw_optional_arm64: Option<&str>,
) -> (Option<bool>, String) {
    let apple_silicon = hw_optional_arm64.map(|v| v.trim() == "1");
    match (binary_arch, apple_silicon) {
        ("x86_64", Some(true)) => (
            Some(true),
            "binary is x86_64 but hw.optional.arm64 is 1 (Apple silicon): translated by \
             Rosetta 2, which runs it in the CPU's hardware TSO mode, so x86-TSO ordering \
             is kept"
                .to_string(),
        ),
        // Intel Macs answer 0 or do not know the name at all; the latter is
        // left unknown rather than guessed.
        ("x86_64", Some(false)) => (
            Some(false),
            "binary is x86_64 and hw.optional.arm64 is not 1 (Intel Mac): native execution"
                .to_string(),
        ),
        ("aarch64", Some(true)) => (
            Some(false),
            "binary is aarch64 and hw.optional.arm64 is 1 (Apple silicon): native execution"
                .to_string(),
        ),
        _ => (
            None,
            format!("unknown: could not tell from sysctl hw.optional.arm64 ({binary_arch} binary)"),
        ),
    }
}

/// The Windows case. `processor_identifier` is the `PROCESSOR_IDENTIFIER`
/// environment variable, which Windows sets from the registry for every
/// process alike, emulated or not: `Intel64 Family 6 Model 85 Stepping 7,
/// GenuineIntel`, `AMD64 Family 25 Model 1 Stepping 1, AuthenticAMD`,
/// `ARMv8 (64-bit) Family 8 Model D4B Revision 0, Qualcomm Technologies
/// Inc`. An x86_64 binary on an Arm CPU runs under Windows' x64 emulation.
pub fn decide_emulation_windows(
    binary_arch: &str,
    processor_identifier: Option<&str>,
) -> (Option<bool>, String) {
    let Some(ident) = processor_identifier
        .map(str::trim)
        .filter(|p| !p.is_empty())
    else {
        return (
            None,
            "unknown: no /proc on Windows and PROCESSOR_IDENTIFIER is not set".to_string(),
        );
    };
    let upper = ident.to_ascii_uppercase();
    let cpu = if upper.starts_with("ARM") {
        Some(ArchFamily::Arm)
    } else if ["INTEL64", "AMD64", "EM64T", "X86"]
        .iter()
        .any(|p| upper.starts_with(p))
    {
        Some(ArchFamily::X86)
    } else {
        None
    };
    match (arch_family(binary_arch), cpu) {
        (Some(binary), Some(cpu)) if binary == cpu => (
            Some(false),
            format!(
                "binary is {binary_arch} and PROCESSOR_IDENTIFIER describes {} CPU: native \
                 execution",
                cpu.with_article()
            ),
        ),
        (Some(_), Some(cpu)) => (
            Some(true),
            format!(
                "binary is {binary_arch} but PROCESSOR_IDENTIFIER describes {} CPU: running \
                 under Windows' emulation; the ordering observed is what the emulator \
                 enforces on the host's ({}) memory model",
                cpu.with_article(),
                cpu.memory_model()
            ),
        ),
        _ => (
            None,
            format!(
                "unknown: PROCESSOR_IDENTIFIER `{ident}` not recognised ({binary_arch} binary)"
            ),
        ),
    }
}

/// Reads a file, trimmed; `None` if unreadable or empty.
fn read_trimmed(path: &str) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Reads a file as is; `None` if unreadable or empty.
fn read_nonempty(path: &str) -> Option<String> {
    fs::read_to_string(path)
        .ok()
        .filter(|t| !t.trim().is_empty())
}

/// Runs a command, returning its trimmed stdout when it succeeds.
fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Kernel release (`uname -r`).
fn kernel_release() -> Option<String> {
    read_trimmed("/proc/sys/kernel/osrelease").or_else(|| {
        if cfg!(unix) {
            command_output("uname", &["-r"])
        } else {
            None
        }
    })
}

fn hostname() -> Option<String> {
    read_trimmed("/proc/sys/kernel/hostname")
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()))
        .or_else(|| std::env::var("COMPUTERNAME").ok().filter(|h| !h.is_empty()))
        .or_else(|| command_output("hostname", &[]))
}

/// CPU model where there is no `/proc/cpuinfo` (macOS, BSDs, Windows).
fn platform_cpu_model() -> Option<String> {
    if cfg!(windows) {
        std::env::var("PROCESSOR_IDENTIFIER")
            .ok()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
    } else if cfg!(target_os = "macos") {
        command_output("sysctl", &["-n", "machdep.cpu.brand_string"])
    } else if cfg!(any(
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd"
    )) {
        command_output("sysctl", &["-n", "hw.model"])
    } else {
        None
    }
}

/// Emulation check where there is no `/proc` to read.
fn platform_emulation(arch: &str) -> (Option<bool>, String) {
    if cfg!(target_os = "macos") {
        let arm64 = command_output("sysctl", &["-n", "hw.optional.arm64"]);
        decide_emulation_macos(arch, arm64.as_deref())
    } else if cfg!(windows) {
        let identifier = std::env::var("PROCESSOR_IDENTIFIER").ok();
        decide_emulation_windows(arch, identifier.as_deref())
    } else {
        (
            None,
            "unknown: no /proc/cpuinfo or /proc/sys/kernel/arch on this system".to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trimmed from a real x86-64 VM (AMD EPYC), two logical CPUs.
    const X86_CPUINFO: &str = "\
processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 17
model name\t: AMD EPYC
stepping\t: 1
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov sse sse2 ht syscall nx lm
bogomips\t: 5192.26

processor\t: 1
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 17
model name\t: AMD EPYC
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov sse sse2 ht syscall nx lm
";

    /// An AWS Graviton2 (Neoverse-N1) instance: aarch64 kernels print no
    /// `model name`.
    const NEOVERSE_N1_CPUINFO: &str = "\
processor\t: 0
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1

processor\t: 1
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1
";

    /// A big.LITTLE phone/board SoC: four Cortex-A55 and two Cortex-A76.
    const BIG_LITTLE_CPUINFO: &str = "\
processor\t: 0
CPU implementer\t: 0x41
CPU architecture: 8
CPU part\t: 0xd05

processor\t: 1
CPU implementer\t: 0x41
CPU architecture: 8
CPU part\t: 0xd05

processor\t: 4
CPU implementer\t: 0x41
CPU architecture: 8
CPU part\t: 0xd0b
";

    /// What an aarch64 binary read from /proc/cpuinfo under qemu-aarch64 7.2
    /// (qemu-user) on an x86-64 host: the host's file, passed through.
    const QEMU_USER_AARCH64_ON_X86_CPUINFO: &str = "\
processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 17
model name\t: AMD EPYC
stepping\t: 1
microcode\t: 0x1000065
cpu MHz\t\t: 2596.130
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx
bogomips\t: 5192.26
";

    #[test]
    fn x86_model_and_family() {
        assert_eq!(parse_cpu_model(X86_CPUINFO).as_deref(), Some("AMD EPYC"));
        assert_eq!(cpuinfo_family(X86_CPUINFO), Some(ArchFamily::X86));
    }

    #[test]
    fn aarch64_model_is_decoded() {
        assert_eq!(
            parse_cpu_model(NEOVERSE_N1_CPUINFO).as_deref(),
            Some("ARM Neoverse-N1")
        );
        assert_eq!(cpuinfo_family(NEOVERSE_N1_CPUINFO), Some(ArchFamily::Arm));
    }

    #[test]
    fn big_little_lists_each_core_type_once() {
        assert_eq!(
            parse_cpu_model(BIG_LITTLE_CPUINFO).as_deref(),
            Some("ARM Cortex-A55 + ARM Cortex-A76")
        );
    }

    #[test]
    fn arm_decoding_covers_servers_and_apple_and_keeps_unknown_codes() {
        assert_eq!(decode_arm_cpu(0x41, 0xd4f), "ARM Neoverse-V2");
        assert_eq!(decode_arm_cpu(0x41, 0xd40), "ARM Neoverse-V1");
        assert_eq!(decode_arm_cpu(0xc0, 0xac3), "Ampere Ampere-1");
        assert_eq!(decode_arm_cpu(0x61, 0x023), "Apple Firestorm-M1");
        assert_eq!(decode_arm_cpu(0x41, 0xfff), "ARM part 0xfff");
        assert_eq!(decode_arm_cpu(0x99, 0x001), "implementer 0x99 part 0x001");
    }

    #[test]
    fn arm32_model_name_is_used_when_no_implementer() {
        let text =
            "processor\t: 0\nmodel name\t: ARMv7 Processor rev 4 (v7l)\nHardware\t: BCM2835\n";
        assert_eq!(
            parse_cpu_model(text).as_deref(),
            Some("ARMv7 Processor rev 4 (v7l)")
        );
    }

    #[test]
    fn other_families_are_recognised() {
        assert_eq!(
            cpuinfo_family("vendor_id       : IBM/S390\n# processors    : 2\n"),
            Some(ArchFamily::S390)
        );
        assert_eq!(
            cpuinfo_family("processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc\nmmu\t\t: sv39\n"),
            Some(ArchFamily::RiscV)
        );
        assert_eq!(
            cpuinfo_family("processor\t: 0\ncpu\t\t: POWER9 (raw), altivec supported\n"),
            Some(ArchFamily::Power)
        );
        assert_eq!(cpuinfo_family("nothing useful\n"), None);
    }

    #[test]
    fn kernel_arch_names() {
        assert_eq!(kernel_arch_family("x86_64\n"), Some(ArchFamily::X86));
        assert_eq!(kernel_arch_family("i686"), Some(ArchFamily::X86));
        assert_eq!(kernel_arch_family("aarch64"), Some(ArchFamily::Arm));
        assert_eq!(kernel_arch_family("armv7l"), Some(ArchFamily::Arm));
        assert_eq!(kernel_arch_family("ppc64le"), Some(ArchFamily::Power));
        assert_eq!(kernel_arch_family("i286"), None);
        assert_eq!(kernel_arch_family("vax"), None);
    }

    #[test]
    fn native_x86() {
        let (emulated, note) = decide_emulation("x86_64", Some(X86_CPUINFO), Some("x86_64"));
        assert_eq!(emulated, Some(false));
        assert_eq!(
            note,
            "binary is x86_64 and /proc/cpuinfo describes an x86 CPU and \
             /proc/sys/kernel/arch says x86_64: native execution"
        );
    }

    #[test]
    fn native_aarch64() {
        let (emulated, _) = decide_emulation("aarch64", Some(NEOVERSE_N1_CPUINFO), Some("aarch64"));
        assert_eq!(emulated, Some(false));
    }

    #[test]
    fn i686_binary_on_x86_64_is_native() {
        let (emulated, _) = decide_emulation("x86", Some(X86_CPUINFO), Some("x86_64"));
        assert_eq!(emulated, Some(false));
    }

    #[test]
    fn qemu_user_aarch64_on_x86_is_emulated() {
        let (emulated, note) = decide_emulation(
            "aarch64",
            Some(QEMU_USER_AARCH64_ON_X86_CPUINFO),
            Some("x86_64"),
        );
        assert_eq!(emulated, Some(true));
        assert!(
            note.starts_with(
                "binary is aarch64 but /proc/cpuinfo describes an x86 CPU: running under \
                 emulation, which keeps the host's (x86-TSO) memory ordering"
            ),
            "{note}"
        );
    }

    #[test]
    fn kernel_arch_alone_detects_emulation() {
        let (emulated, note) = decide_emulation("aarch64", None, Some("x86_64"));
        assert_eq!(emulated, Some(true));
        assert!(note.contains("/proc/sys/kernel/arch says x86_64"), "{note}");
    }

    #[test]
    fn x86_binary_on_arm_host_is_emulated() {
        let (emulated, note) = decide_emulation("x86_64", Some(NEOVERSE_N1_CPUINFO), None);
        assert_eq!(emulated, Some(true));
        assert!(note.contains("describes an Arm CPU"), "{note}");
        assert!(note.contains("Arm, weakly ordered"), "{note}");
    }

    #[test]
    fn nothing_readable_is_unknown() {
        let (emulated, note) = decide_emulation("x86_64", None, None);
        assert_eq!(emulated, None);
        assert!(note.starts_with("unknown"), "{note}");
        let (emulated, _) = decide_emulation("x86_64", Some("garbage"), Some("vax"));
        assert_eq!(emulated, None);
    }

    #[test]
    fn rosetta() {
        assert_eq!(decide_emulation_macos("x86_64", Some("1\n")).0, Some(true));
        assert_eq!(decide_emulation_macos("x86_64", Some("0")).0, Some(false));
        assert_eq!(decide_emulation_macos("x86_64", None).0, None);
        assert_eq!(decide_emulation_macos("aarch64", Some("1")).0, Some(false));
        assert_eq!(decide_emulation_macos("aarch64", None).0, None);
    }

    #[test]
    fn windows_processor_identifier() {
        let intel = "Intel64 Family 6 Model 85 Stepping 7, GenuineIntel";
        let arm = "ARMv8 (64-bit) Family 8 Model D4B Revision   0, Qualcomm Technologies Inc";
        assert_eq!(
            decide_emulation_windows("x86_64", Some(intel)).0,
            Some(false)
        );
        let (emulated, note) = decide_emulation_windows("x86_64", Some(arm));
        assert_eq!(emulated, Some(true));
        assert!(note.contains("an Arm CPU"), "{note}");
        assert_eq!(
            decide_emulation_windows("aarch64", Some(arm)).0,
            Some(false)
        );
        assert_eq!(
            decide_emulation_windows("x86_64", Some("VAX 11/780")).0,
            None
        );
        assert_eq!(decide_emulation_windows("x86_64", None).0, None);
    }

    #[test]
    fn platform_notes_name_what_each_os_lacks() {
        assert!(platform_notes("linux", "x86_64").is_empty());
        let mac = platform_notes("macos", "aarch64");
        assert!(
            mac.iter().any(|n| n.starts_with("thread pinning")),
            "{mac:?}"
        );
        let win = platform_notes("windows", "x86_64");
        assert!(win.iter().any(|n| n.starts_with("signals")), "{win:?}");
        assert!(!platform_notes("freebsd", "x86_64").is_empty());
    }

    #[test]
    fn detect_on_this_machine_is_consistent() {
        let m = detect();
        assert_eq!(m.arch, std::env::consts::ARCH);
        assert!(m.logical_cpus >= 1);
        assert!(m.physical_cpus >= 1);
        assert!(m.profile == "debug" || m.profile == "release");
        assert!(m.emulation_note.is_some());
        let t = tool();
        assert_eq!(t.name, "orderhunt");
        if let Some(commit) = t.git_commit {
            let hash = commit.trim_end_matches("-dirty");
            assert!(hash.len() >= 7 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }
}
