//! Binary relations over the events of one execution, as bit matrices.
//!
//! Events are numbered `0..n` with `n <= MAX_EVENTS` (128), so a row is one
//! `u128` and a set of events is one `u128`. These are the operators the
//! herd7 `.cat` models are written with: union, intersection, difference,
//! sequence (`;`), inverse, `[S]` (identity on a set), `r?`, `r+`, and the
//! `acyclic` / `irreflexive` / `empty` checks.

/// The largest number of events an execution may have.
pub const MAX_EVENTS: usize = 128;

/// A set of events (bit `i` = event `i`).
pub type Set = u128;

/// A binary relation over `n` events: `rows[a]` has bit `b` when `a -> b`.
#[derive(Clone, PartialEq, Eq)]
pub struct Rel {
    rows: Vec<u128>,
}

impl std::fmt::Debug for Rel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.pairs()).finish()
    }
}

/// Iterates over the members of a set, lowest first.
pub fn members(mut set: Set) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if set == 0 {
            None
        } else {
            let i = set.trailing_zeros() as usize;
            set &= set - 1;
            Some(i)
        }
    })
}

/// The set holding only event `i`.
pub fn bit(i: usize) -> Set {
    1u128 << i
}

impl Rel {
    /// The empty relation over `n` events.
    pub fn empty(n: usize) -> Rel {
        assert!(n <= MAX_EVENTS, "at most {MAX_EVENTS} events");
        Rel { rows: vec![0; n] }
    }

    /// Number of events the relation is over.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the relation is over zero events.
    pub fn is_empty_domain(&self) -> bool {
        self.rows.is_empty()
    }

    /// `[s]`: the identity on the events of `s`.
    pub fn id(n: usize, s: Set) -> Rel {
        let mut r = Rel::empty(n);
        for i in members(s) {
            r.rows[i] = bit(i);
        }
        r
    }

    /// `s * t`: every pair from `s` to `t`.
    pub fn cross(n: usize, s: Set, t: Set) -> Rel {
        let mut r = Rel::empty(n);
        for i in members(s) {
            r.rows[i] = t;
        }
        r
    }

    /// Adds the pair `a -> b`.
    pub fn add(&mut self, a: usize, b: usize) {
        self.rows[a] |= bit(b);
    }

    /// Whether `a -> b`.
    pub fn has(&self, a: usize, b: usize) -> bool {
        self.rows[a] & bit(b) != 0
    }

    /// The events `a` relates to.
    pub fn row(&self, a: usize) -> Set {
        self.rows[a]
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (a, &row) in self.rows.iter().enumerate() {
            for b in members(row) {
                out.push((a, b));
            }
        }
        out
    }

    /// `self | other`.
    pub fn union(&self, other: &Rel) -> Rel {
        let mut r = self.clone();
        r.union_with(other);
        r
    }

    /// `self := self | other`.
    pub fn union_with(&mut self, other: &Rel) {
        for (a, b) in self.rows.iter_mut().zip(&other.rows) {
            *a |= b;
        }
    }

    /// `self & other`.
    pub fn inter(&self, other: &Rel) -> Rel {
        Rel {
            rows: self
                .rows
                .iter()
                .zip(&other.rows)
                .map(|(a, b)| a & b)
                .collect(),
        }
    }

    /// `self \ other`.
    pub fn minus(&self, other: &Rel) -> Rel {
        Rel {
            rows: self
                .rows
                .iter()
                .zip(&other.rows)
                .map(|(a, b)| a & !b)
                .collect(),
        }
    }

    /// `self ; other` (relational composition).
    pub fn seq(&self, other: &Rel) -> Rel {
        Rel {
            rows: self
                .rows
                .iter()
                .map(|&row| members(row).fold(0, |acc, m| acc | other.rows[m]))
                .collect(),
        }
    }

    /// `self^-1`.
    pub fn inverse(&self) -> Rel {
        let mut r = Rel::empty(self.len());
        for (a, b) in self.pairs() {
            r.add(b, a);
        }
        r
    }

    /// `[s]; self`: the pairs whose source is in `s`.
    pub fn dom(&self, s: Set) -> Rel {
        Rel {
            rows: self
                .rows
                .iter()
                .enumerate()
                .map(|(a, &row)| if s & bit(a) != 0 { row } else { 0 })
                .collect(),
        }
    }

    /// `self; [t]`: the pairs whose target is in `t`.
    pub fn rng(&self, t: Set) -> Rel {
        Rel {
            rows: self.rows.iter().map(|&row| row & t).collect(),
        }
    }

    /// `[s]; self; [t]`.
    pub fn restrict(&self, s: Set, t: Set) -> Rel {
        self.dom(s).rng(t)
    }

    /// `self?`: the reflexive closure (over all `n` events).
    pub fn opt(&self) -> Rel {
        let mut r = self.clone();
        for (a, row) in r.rows.iter_mut().enumerate() {
            *row |= bit(a);
        }
        r
    }

    /// `self+`: the transitive closure (Warshall, one row operation per
    /// pair of events).
    pub fn plus(&self) -> Rel {
        let mut r = self.clone();
        for k in 0..r.len() {
            let row_k = r.rows[k];
            if row_k == 0 {
                continue;
            }
            for a in 0..r.len() {
                if r.rows[a] & bit(k) != 0 {
                    r.rows[a] |= row_k;
                }
            }
        }
        r
    }

    /// `self*`: the reflexive-transitive closure.
    pub fn star(&self) -> Rel {
        self.plus().opt()
    }

    /// The range of the relation (every event something relates to).
    pub fn range(&self) -> Set {
        self.rows.iter().fold(0, |acc, r| acc | r)
    }

    /// The domain of the relation (every event that relates to something).
    pub fn domain(&self) -> Set {
        self.rows
            .iter()
            .enumerate()
            .fold(0, |acc, (a, &r)| if r != 0 { acc | bit(a) } else { acc })
    }

    /// `empty self`.
    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(|&r| r == 0)
    }

    /// `irreflexive self`.
    pub fn is_irreflexive(&self) -> bool {
        self.rows.iter().enumerate().all(|(a, &r)| r & bit(a) == 0)
    }

    /// `acyclic self`: its transitive closure is irreflexive.
    pub fn is_acyclic(&self) -> bool {
        self.plus().is_irreflexive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(n: usize, pairs: &[(usize, usize)]) -> Rel {
        let mut r = Rel::empty(n);
        for &(a, b) in pairs {
            r.add(a, b);
        }
        r
    }

    #[test]
    fn closure_and_cycles() {
        let chain = rel(4, &[(0, 1), (1, 2), (2, 3)]);
        assert!(chain.is_acyclic());
        let plus = chain.plus();
        assert!(plus.has(0, 3) && plus.has(1, 3) && !plus.has(3, 0));
        assert_eq!(plus.pairs().len(), 6);
        let cycle = chain.union(&rel(4, &[(3, 1)]));
        assert!(!cycle.is_acyclic());
        assert!(cycle.plus().has(2, 2));
        // The top event index works (bit 127).
        let big = rel(128, &[(0, 127), (127, 0)]);
        assert!(!big.is_acyclic());
    }

    #[test]
    fn algebra() {
        let a = rel(3, &[(0, 1), (1, 2)]);
        let b = rel(3, &[(1, 2), (2, 0)]);
        assert_eq!(a.seq(&b).pairs(), vec![(0, 2), (1, 0)]);
        assert_eq!(a.inverse().pairs(), vec![(1, 0), (2, 1)]);
        assert_eq!(a.inter(&b).pairs(), vec![(1, 2)]);
        assert_eq!(a.minus(&b).pairs(), vec![(0, 1)]);
        assert_eq!(a.dom(bit(1)).pairs(), vec![(1, 2)]);
        assert_eq!(a.rng(bit(1)).pairs(), vec![(0, 1)]);
        assert_eq!(Rel::id(3, bit(0) | bit(2)).pairs(), vec![(0, 0), (2, 2)]);
        assert_eq!(a.opt().pairs().len(), 5);
        assert_eq!(a.range(), bit(1) | bit(2));
        assert_eq!(a.domain(), bit(0) | bit(1));
        assert!(!a.opt().is_irreflexive());
        assert_eq!(
            Rel::cross(3, bit(0), bit(1) | bit(2)).pairs(),
            vec![(0, 1), (0, 2)]
        );
        assert_eq!(members(bit(3) | bit(100)).collect::<Vec<_>>(), vec![3, 100]);
    }
}
