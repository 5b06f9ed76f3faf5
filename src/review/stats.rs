//! Chance-corrected agreement on nominal labels: Cohen's κ, Fleiss' κ and Krippendorff's α.
//!
//! Every coefficient is computed from counts that can be added up, so that the numbers of a
//! corpus are those of all its tokens taken together (not an average of per-document values),
//! and a document's counts are gathered in one pass over its tokens.
//!
//! Notation: `N` units (tokens), each labelled by the same `m` raters with one of `K`
//! categories; `n_uc` is how many raters gave unit `u` category `c`; `T_c = Σ_u n_uc` and
//! `S_c = Σ_u n_uc²`.
//!
//! - Cohen's κ of raters a and b, from their confusion matrix `C` (rows a, columns b) with row
//!   sums `r`, column sums `s` and `N` units: observed disagreement `D_o = Σ_{i≠j} C_ij`,
//!   expected disagreement `D_e = (N² − Σ_i r_i s_i) / N`, `κ = 1 − D_o / D_e`
//!   (= `(p_o − p_e) / (1 − p_e)`).
//! - Fleiss' κ: `P̄ = (Σ_c S_c − N m) / (N m (m − 1))`, `p_c = T_c / (N m)`,
//!   `P_e = Σ_c p_c²`, `κ = (P̄ − P_e) / (1 − P_e)`.
//! - Krippendorff's α (nominal, no missing values): with `n = N m` pairable values, the
//!   observed disagreement of the coincidence matrix is `Σ_{c≠k} o_ck = (N m² − Σ_c S_c) / (m − 1)`
//!   and the expected one is `(n² − Σ_c T_c²) / (n − 1)`; `α = 1 − observed / expected`.
//!
//! A coefficient is *undefined* (`None`) where its formula divides by zero: no units, fewer
//! than two raters, or expected disagreement zero (every label given is the same one). The
//! reference implementations return NaN there (scikit-learn, statsmodels) or raise an error
//! (the `krippendorff` package: "more than one value in the domain").

/// Counts of which label rater a and rater b gave to the same units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confusion {
    categories: usize,
    cells: Vec<u64>,
}

impl Confusion {
    /// An empty matrix over `categories` labels.
    pub fn new(categories: usize) -> Self {
        Confusion {
            categories,
            cells: vec![0; categories * categories],
        }
    }

    /// Counts one unit labelled `a` by the first rater and `b` by the second. Labels outside
    /// `0..categories` are ignored.
    pub fn add(&mut self, a: usize, b: usize) {
        if a < self.categories && b < self.categories {
            self.cells[a * self.categories + b] += 1;
        }
    }

    /// Adds the counts of `other` (a matrix over the same labels).
    pub fn merge(&mut self, other: &Confusion) {
        for (x, y) in self.cells.iter_mut().zip(&other.cells) {
            *x += y;
        }
    }

    /// How many units were counted.
    pub fn units(&self) -> u64 {
        self.cells.iter().sum()
    }

    /// The count of units labelled `a` by the first rater and `b` by the second.
    pub fn get(&self, a: usize, b: usize) -> u64 {
        if a < self.categories && b < self.categories {
            self.cells[a * self.categories + b]
        } else {
            0
        }
    }

    /// Cohen's κ (unweighted), or `None` where it is undefined.
    pub fn cohen_kappa(&self) -> Option<f64> {
        let k = self.categories;
        let n = self.units() as f64;
        let rows: Vec<u64> = (0..k)
            .map(|i| (0..k).map(|j| self.get(i, j)).sum())
            .collect();
        let cols: Vec<u64> = (0..k)
            .map(|j| (0..k).map(|i| self.get(i, j)).sum())
            .collect();
        let diagonal: u64 = (0..k).map(|i| self.get(i, i)).sum();
        let observed = n - diagonal as f64;
        let chance_same: f64 = rows
            .iter()
            .zip(&cols)
            .map(|(r, c)| *r as f64 * *c as f64)
            .sum();
        let expected = (n * n - chance_same) / n;
        ratio_below_one(observed, expected)
    }

    /// The 2×2 matrix of "label `label`" against "any other label" (category 1 and 0).
    pub fn binary(&self, label: usize) -> Confusion {
        let mut out = Confusion::new(2);
        for a in 0..self.categories {
            for b in 0..self.categories {
                let cell = &mut out.cells[usize::from(a == label) * 2 + usize::from(b == label)];
                *cell += self.get(a, b);
            }
        }
        out
    }
}

/// `1 − observed / expected`, or `None` when `expected` is zero (or not a number).
fn ratio_below_one(observed: f64, expected: f64) -> Option<f64> {
    (expected.is_finite() && expected != 0.0).then(|| 1.0 - observed / expected)
}

/// Label counts of units that all have the same raters, enough for Fleiss' κ and
/// Krippendorff's α; see the [module documentation](self) for the formulas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaterCounts {
    raters: u64,
    units: u64,
    /// `T_c`: how often each category was given, over all units and raters.
    totals: Vec<u64>,
    /// `S_c`: the sum over units of the squared per-unit count of each category.
    squares: Vec<u64>,
}

impl RaterCounts {
    /// No units yet, for `raters` raters and `categories` labels.
    pub fn new(raters: usize, categories: usize) -> Self {
        RaterCounts {
            raters: raters as u64,
            units: 0,
            totals: vec![0; categories],
            squares: vec![0; categories],
        }
    }

    /// Counts one unit from the labels its raters gave (one per rater, in `0..categories`;
    /// others are ignored). `scratch` is reused between calls to avoid allocating.
    pub fn add_unit(&mut self, labels: &[usize], scratch: &mut Vec<u64>) {
        scratch.clear();
        scratch.resize(self.totals.len(), 0);
        for &l in labels {
            if let Some(c) = scratch.get_mut(l) {
                *c += 1;
            }
        }
        for (c, &n) in scratch.iter().enumerate() {
            self.totals[c] += n;
            self.squares[c] += n * n;
        }
        self.units += 1;
    }

    /// Adds the counts of `other` (same raters and labels).
    pub fn merge(&mut self, other: &RaterCounts) {
        self.units += other.units;
        for (x, y) in self.totals.iter_mut().zip(&other.totals) {
            *x += y;
        }
        for (x, y) in self.squares.iter_mut().zip(&other.squares) {
            *x += y;
        }
    }

    /// How many units were counted.
    pub fn units(&self) -> u64 {
        self.units
    }

    /// How often label `c` was given, over all units and raters.
    pub fn total(&self, c: usize) -> u64 {
        self.totals.get(c).copied().unwrap_or(0)
    }

    /// Fleiss' κ, or `None` where it is undefined.
    pub fn fleiss_kappa(&self) -> Option<f64> {
        if self.raters < 2 || self.units == 0 {
            return None;
        }
        let (m, n) = (self.raters as f64, self.units as f64);
        let agreeing_pairs = self.squares.iter().sum::<u64>() as f64 - n * m;
        let p_mean = agreeing_pairs / (n * m * (m - 1.0));
        let p_expected: f64 = self
            .totals
            .iter()
            .map(|&t| (t as f64 / (n * m)).powi(2))
            .sum();
        let denominator = 1.0 - p_expected;
        (denominator != 0.0).then(|| (p_mean - p_expected) / denominator)
    }

    /// Krippendorff's α for nominal data, or `None` where it is undefined.
    pub fn krippendorff_alpha(&self) -> Option<f64> {
        if self.raters < 2 || self.units == 0 {
            return None;
        }
        let m = self.raters as f64;
        let values = (self.units * self.raters) as f64;
        let sum_squares = self.squares.iter().sum::<u64>() as f64;
        let observed = (self.units as f64 * m * m - sum_squares) / (m - 1.0);
        let sum_totals_sq: f64 = self.totals.iter().map(|&t| (t as f64).powi(2)).sum();
        let expected = (values * values - sum_totals_sq) / (values - 1.0);
        ratio_below_one(observed, expected)
    }

    /// The counts of "label `label`" (category 1) against "any other label" (category 0).
    pub fn binary(&self, label: usize) -> RaterCounts {
        let m = self.raters;
        let t = self.total(label);
        let s = self.squares.get(label).copied().unwrap_or(0);
        // Σ_u (m − n_u)² = N m² − 2 m T + S.
        let rest_squares = self.units * m * m + s - 2 * m * t;
        RaterCounts {
            raters: m,
            units: self.units,
            totals: vec![self.units * m - t, t],
            squares: vec![rest_squares, s],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confusion(pairs: &[(usize, usize)], k: usize) -> Confusion {
        let mut c = Confusion::new(k);
        for &(a, b) in pairs {
            c.add(a, b);
        }
        c
    }

    fn counts(units: &[&[usize]], k: usize) -> RaterCounts {
        let mut r = RaterCounts::new(units.first().map_or(0, |u| u.len()), k);
        let mut scratch = Vec::new();
        for u in units {
            r.add_unit(u, &mut scratch);
        }
        r
    }

    #[test]
    fn cohen_kappa_of_a_textbook_table() {
        // p_o = 0.7, p_e = 0.5 → κ = 0.4.
        let mut pairs = vec![(0, 0); 20];
        pairs.extend([(0, 1); 5]);
        pairs.extend([(1, 0); 10]);
        pairs.extend([(1, 1); 15]);
        let kappa = confusion(&pairs, 2).cohen_kappa().expect("defined");
        assert!((kappa - 0.4).abs() < 1e-12, "{kappa}");
    }

    #[test]
    fn undefined_where_expected_disagreement_is_zero() {
        assert_eq!(confusion(&[(1, 1), (1, 1)], 3).cohen_kappa(), None);
        assert_eq!(Confusion::new(3).cohen_kappa(), None);
        assert_eq!(counts(&[&[2, 2, 2]], 3).fleiss_kappa(), None);
        assert_eq!(counts(&[&[2, 2, 2]], 3).krippendorff_alpha(), None);
        assert_eq!(counts(&[&[0], &[1]], 2).fleiss_kappa(), None, "one rater");
    }

    #[test]
    fn binary_views_equal_counting_binary_labels() {
        let units: &[&[usize]] = &[&[0, 1, 2], &[1, 1, 1], &[2, 0, 2], &[0, 0, 0], &[1, 2, 2]];
        let full = counts(units, 3);
        for label in 0..3 {
            let binarized: Vec<Vec<usize>> = units
                .iter()
                .map(|u| u.iter().map(|&l| usize::from(l == label)).collect())
                .collect();
            let refs: Vec<&[usize]> = binarized.iter().map(Vec::as_slice).collect();
            assert_eq!(full.binary(label), counts(&refs, 2), "label {label}");
        }
        let c = confusion(&[(0, 1), (1, 1), (2, 0), (2, 2)], 3);
        assert_eq!(c.binary(2), confusion(&[(0, 0), (0, 0), (1, 0), (1, 1)], 2));
    }

    #[test]
    fn perfect_agreement_gives_one_and_merging_adds() {
        let a = counts(&[&[0, 0], &[1, 1]], 2);
        assert_eq!(a.fleiss_kappa(), Some(1.0));
        assert_eq!(a.krippendorff_alpha(), Some(1.0));
        let mut b = counts(&[&[0, 1]], 2);
        b.merge(&a);
        assert_eq!(b, counts(&[&[0, 1], &[0, 0], &[1, 1]], 2));
    }
}
