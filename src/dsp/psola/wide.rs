//! The synthesis compiled a second time for CPUs with 256-bit vectors (AVX2), chosen at run
//! time (`available` serves the other units built twice the same way). The grain loops (window polynomial, interpolated reads, sums) are written in eight
//! lanes; the portable build runs them as two 128-bit halves, this one as one register, so
//! they take about half the instructions. No fused multiply-add is enabled and Rust never
//! contracts float operations, so each lane does the same IEEE operations in the same order:
//! both builds give the same numbers (`tests::the_wide_build_gives_the_same_numbers`).

use super::{PitchMarks, PsolaVoice, ShiftRequest};

/// Whether this CPU runs 256-bit builds (AVX2): checked in each unit's `prepare` (the PSOLA
/// voices, the detector's fine search, the chain's own loops).
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

impl PsolaVoice {
    /// `process_run_portable` compiled with AVX2 (everything it calls is inlined into it).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    pub(super) fn process_run_avx2(
        &mut self,
        marks: &PitchMarks,
        trace: &[Option<f64>],
        request: ShiftRequest,
        out: &mut [f32],
    ) {
        self.process_run_portable(marks, trace, request, out);
    }
}
