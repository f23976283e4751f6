//! Picking questions and shuffling their options. The random source is passed in, so the
//! caller decides (the server uses the thread RNG; tests a seeded one).

use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// One question as served to one person: which, and the order its options were shown in
/// (`shown[i]` is the stored index of the option shown i-th; empty for 判断/填空).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Served {
    pub question_id: i64,
    #[serde(default)]
    pub shown: Vec<usize>,
}

/// `n` distinct ids drawn at random from `candidates` (all of them, shuffled, if fewer).
pub fn pick(candidates: &[i64], n: usize, rng: &mut impl Rng) -> Vec<i64> {
    let mut ids: Vec<i64> = candidates.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids.shuffle(rng);
    ids.truncate(n);
    ids
}

/// A permutation of `options` option indices; the identity when `shuffle` is off.
pub fn shown_options(options: usize, shuffle: bool, rng: &mut impl Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..options).collect();
    if shuffle {
        order.shuffle(rng);
    }
    order
}

/// The questions `ids` (with their option counts) as served, options shuffled when asked.
pub fn serve(ids: &[(i64, usize)], shuffle: bool, rng: &mut impl Rng) -> Vec<Served> {
    ids.iter()
        .map(|(id, options)| Served {
            question_id: *id,
            shown: shown_options(*options, shuffle, rng),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn picking_never_repeats_a_question_and_stops_at_what_there_is() {
        let mut rng = StdRng::seed_from_u64(7);
        let got = pick(&[1, 2, 3, 3, 4], 10, &mut rng);
        assert_eq!(got.len(), 4);
        let mut sorted = got.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![1, 2, 3, 4]);
        assert_eq!(pick(&[1, 2, 3], 2, &mut rng).len(), 2);
        assert!(pick(&[], 5, &mut rng).is_empty());
    }

    #[test]
    fn shown_options_are_a_permutation() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut p = shown_options(5, true, &mut rng);
        p.sort_unstable();
        assert_eq!(p, vec![0, 1, 2, 3, 4]);
        assert_eq!(shown_options(3, false, &mut rng), vec![0, 1, 2]);
    }
}
