//! The session's listening side: the analysis frames taken into the pitch view and the
//! listening state each GUI frame, and the offer to tune to the key heard in the singing.

use std::time::{Duration, Instant};

use ringbuf::traits::Consumer;

use crate::assistant::agent::tune_call;
use crate::assistant::listening::key_words;
use crate::assistant::state::ParamValue;
use crate::assistant::worker::Request;
use crate::dsp::pitch_detector::Voicing;
use crate::music::listen::PitchPoint as ListenPoint;

use super::super::chat::Entry;
use super::super::param_access::ParamAccess;
use super::Session;

/// How often the heard key is checked for an offer (an estimate changes slowly).
const OFFER_CHECK_INTERVAL: Duration = Duration::from_secs(1);

impl Session {
    /// Takes new analysis frames into the pitch view and the listening state.
    pub(super) fn take_analysis(&mut self) {
        let mut listening = self.listening.lock();
        while let Some(frame) = self.analysis.try_pop() {
            self.pitch.push(frame);
            listening.push(ListenPoint {
                time_s: frame.time_seconds,
                f0_hz: frame.detected_hz,
                voiced: frame.voicing == Voicing::Voiced,
            });
        }
    }

    /// Once a second: when the singing's key is clear and tuning is off or set elsewhere,
    /// offers it in the chat (once per key); a "yes" carries it out, nothing changes before.
    pub(super) fn offer_heard_key(&mut self, params: &mut dyn ParamAccess) {
        if self
            .offer_checked
            .is_some_and(|t| t.elapsed() < OFFER_CHECK_INTERVAL)
        {
            return;
        }
        self.offer_checked = Some(Instant::now());
        self.heard = self.listening.lock().key_estimate();
        let Some(worker) = &self.link.worker else {
            return;
        };
        let current = match (
            params.get("tune_enabled"),
            params.get("tune_key"),
            params.get("tune_scale"),
        ) {
            (
                Some(ParamValue::Bool(true)),
                Some(ParamValue::Key(k)),
                Some(ParamValue::Scale(s)),
            ) => Some((k, s)),
            _ => None,
        };
        let Some(estimate) = self.listening.lock().offer(current) else {
            return;
        };
        worker.send(Request::Offer(tune_call(&estimate)));
        self.chat.entries.push(Entry::Assistant {
            text: format!(
                "You seem to be singing in {} ({:.2}): tune to it? Say yes and I will.",
                key_words(&estimate),
                estimate.confidence
            ),
            streaming: false,
        });
    }
}
