//! The 256-bit builds: hot loops are compiled twice, once portable and once with AVX2, and the
//! AVX2 copy runs where the CPU has it. The loops are written in eight lanes; the portable
//! build runs them as two 128-bit halves, the AVX2 one as one register (and with
//! three-operand instructions, so without register copies). No fused multiply-add is enabled
//! and Rust never contracts float operations, so each lane does the same IEEE operations in
//! the same order: both builds give the same numbers.
//!
//! The choice is made once, when a unit is prepared (`available`), and kept in the unit;
//! `wide_or_portable!` writes the dispatching function and its AVX2 copy.

/// Whether this CPU runs the 256-bit builds (AVX2): asked when a unit is prepared.
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

/// Defines a function that runs `portable` (an `#[inline(always)]` function holding the work)
/// from a copy of it compiled with AVX2 when the unit's flag says the CPU has it (set from
/// `available` at prepare), else from the portable build.
///
/// A method: `fn name(&mut self, args..) -> R; on Type, portable method, wide if self.flag`
/// (also `&self`); a free or associated function: `fn name(args..) -> R; portable path, wide
/// if expression`.
macro_rules! wide_or_portable {
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident(&mut self $(, $arg:ident: $ty:ty)* $(,)?) $(-> $ret:ty)?;
        on $owner:ty, portable $portable:ident, wide if self.$flag:ident
    ) => {
        $(#[$attr])*
        $vis fn $name(&mut self $(, $arg: $ty)*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn wide_build(unit: &mut $owner $(, $arg: $ty)*) $(-> $ret)? {
                unit.$portable($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            if self.$flag {
                $crate::dsp::wide::wide_or_portable!(@call wide_build(self $(, $arg)*))
            }
            self.$portable($($arg),*)
        }
    };
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) $(-> $ret:ty)?;
        on $owner:ty, portable $portable:ident, wide if self.$flag:ident
    ) => {
        $(#[$attr])*
        $vis fn $name(&self $(, $arg: $ty)*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn wide_build(unit: &$owner $(, $arg: $ty)*) $(-> $ret)? {
                unit.$portable($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            if self.$flag {
                $crate::dsp::wide::wide_or_portable!(@call wide_build(self $(, $arg)*))
            }
            self.$portable($($arg),*)
        }
    };
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?;
        portable $portable:path, wide if $wide:expr
    ) => {
        $(#[$attr])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn wide_build($($arg: $ty),*) $(-> $ret)? {
                $portable($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            if $wide {
                $crate::dsp::wide::wide_or_portable!(@call wide_build($($arg),*))
            }
            $portable($($arg),*)
        }
    };
    (@call $build:ident($($arg:expr),*)) => {
        // SAFETY: the one unsafe step of every 256-bit build. The flag that leads here is
        // set only from `dsp::wide::available()`, true only where this CPU has AVX2, so the
        // instructions `wide_build` was compiled with exist.
        return unsafe { $build($($arg),*) }
    };
}
pub(crate) use wide_or_portable;

/// Eight lanes summed the way every eight-lane dot product here sums them: lane k with lane
/// k + 4, then (0 + 2) + (1 + 3). `avx2::sum_lanes` does the same operations in a register.
#[inline(always)]
pub(crate) fn sum_lanes(lanes: [f32; 8]) -> f32 {
    let half = [
        lanes[0] + lanes[4],
        lanes[1] + lanes[5],
        lanes[2] + lanes[6],
        lanes[3] + lanes[7],
    ];
    (half[0] + half[2]) + (half[1] + half[3])
}

/// The 256-bit pieces the explicit vector builds share.
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2 {
    use std::arch::x86_64::{
        __m256, _mm256_castps256_ps128, _mm256_extractf128_ps, _mm_add_ps, _mm_add_ss,
        _mm_cvtss_f32, _mm_movehl_ps, _mm_shuffle_ps,
    };

    /// Eight floats as one vector: a plain copy (`_mm256_loadu_ps`'s pointer read carries the
    /// debug-assertion build's checks on every call).
    #[inline(always)]
    pub(crate) fn vector(lanes: [f32; 8]) -> __m256 {
        // SAFETY: `[f32; 8]` and `__m256` have the same size, and every bit pattern is valid.
        unsafe { std::mem::transmute::<[f32; 8], __m256>(lanes) }
    }

    /// `super::sum_lanes` of a vector: the halves, then (0 + 2) + (1 + 3).
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(crate) fn sum_lanes(lanes: __m256) -> f32 {
        let half = _mm_add_ps(
            _mm256_castps256_ps128(lanes),
            _mm256_extractf128_ps::<1>(lanes),
        );
        let pairs = _mm_add_ps(half, _mm_movehl_ps(half, half));
        _mm_cvtss_f32(_mm_add_ss(pairs, _mm_shuffle_ps::<0b01>(pairs, pairs)))
    }
}
