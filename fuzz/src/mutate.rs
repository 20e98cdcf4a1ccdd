//! A small deterministic mutator for the stable smoke runner: byte flips, overwrites with
//! boundary values, truncation, duplication and splicing of seeds. libFuzzer's coverage-guided
//! mutation is far stronger; this only keeps the targets exercised where nightly is missing.

/// A seeded xorshift generator with the mutations the smoke runner applies.
#[derive(Debug, Clone)]
pub struct Mutator {
    state: u64,
}

const INTERESTING: [u8; 8] = [0, 1, 0x7f, 0x80, 0xff, b'"', b'{', b'9'];

impl Mutator {
    /// A generator; the same seed gives the same inputs.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { state: seed.max(1) }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        // Truncation is fine: n is a buffer length.
        #[allow(clippy::cast_possible_truncation)]
        let r = self.next() as usize;
        r % n.max(1)
    }

    /// A new input derived from `seeds` (1–4 mutations of one seed, sometimes spliced with
    /// another), or random bytes when there are no seeds.
    #[must_use]
    pub fn input(&mut self, seeds: &[Vec<u8>]) -> Vec<u8> {
        if seeds.is_empty() {
            let len = self.below(256);
            return (0..len).map(|_| self.next().to_le_bytes()[0]).collect();
        }
        let mut data = seeds[self.below(seeds.len())].clone();
        for _ in 0..=self.below(4) {
            self.mutate_once(&mut data, seeds);
        }
        data
    }

    fn mutate_once(&mut self, data: &mut Vec<u8>, seeds: &[Vec<u8>]) {
        match self.below(6) {
            0 if !data.is_empty() => {
                let at = self.below(data.len());
                data[at] ^= 1 << self.below(8);
            }
            1 if !data.is_empty() => {
                let at = self.below(data.len());
                data[at] = INTERESTING[self.below(INTERESTING.len())];
            }
            2 => {
                let len = self.below(data.len() + 1);
                data.truncate(len);
            }
            3 if !data.is_empty() => {
                let start = self.below(data.len());
                let end = start + self.below(data.len() - start + 1);
                let chunk = data[start..end].to_vec();
                let at = self.below(data.len() + 1);
                data.splice(at..at, chunk);
            }
            4 => {
                let other = &seeds[self.below(seeds.len())];
                let cut = self.below(data.len() + 1);
                let from = self.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            _ => {
                let at = self.below(data.len() + 1);
                let byte = self.next().to_le_bytes()[0];
                data.insert(at, byte);
            }
        }
    }
}
