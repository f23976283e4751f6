//! A terminal progress bar (indicatif) for `redbranch demo` and `redbranch generate`.

use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use super::Progress;

/// One bar per phase, drawn on stderr; hidden automatically when stderr is not a terminal.
#[derive(Debug, Default)]
pub struct IndicatifProgress {
    bar: Mutex<Option<ProgressBar>>,
}

impl IndicatifProgress {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_bar(&self, f: impl FnOnce(&mut Option<ProgressBar>)) {
        // A panic while drawing must not stop the seeding: take the bar even from a poisoned lock.
        let mut guard = self
            .bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard);
    }
}

impl Progress for IndicatifProgress {
    fn start(&self, label: &str, total: u64) {
        let style = ProgressStyle::with_template(
            "{msg:>12} [{bar:40.red/white}] {human_pos}/{human_len} {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bar = ProgressBar::new(total)
            .with_style(style)
            .with_message(label.to_string());
        self.with_bar(|slot| {
            if let Some(old) = slot.replace(bar) {
                old.finish();
            }
        });
    }

    fn inc(&self, n: u64) {
        self.with_bar(|slot| {
            if let Some(b) = slot {
                b.inc(n);
            }
        });
    }

    fn finish(&self) {
        self.with_bar(|slot| {
            if let Some(b) = slot.take() {
                b.finish();
            }
        });
    }
}
