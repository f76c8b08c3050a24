//! Reads that the requests of one worker ask while a read is under way, taken together by the
//! next: a request always gets a read that began after it asked, and one round trip serves many.
//! The data version checks ([`WorkerVersionWatch`]) and PostgreSQL's series reads
//! ([`SeriesReads`]) work this way.
//!
//! [`WorkerVersionWatch`]: super::version::WorkerVersionWatch
//! [`SeriesReads`]: super::series_reads::SeriesReads

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use tokio::sync::oneshot;

/// A reader whose reads are asked through [`ask`]. Its reads run on the worker's own thread
/// (a local task), so their futures need not be `Send`.
pub(crate) trait BatchedRead: 'static {
    type Ask: 'static;
    type Answer: 'static;
    /// Asks read together at most.
    const MOST: usize;

    /// Where asks wait for the next read.
    fn queue(&self) -> &Queue<Self::Ask, Self::Answer>;

    /// One answer for each ask, in the same order.
    async fn read(&self, asks: Vec<Self::Ask>) -> Vec<Self::Answer>;
}

/// The asks waiting for the next read, with where to send each answer.
pub(crate) struct Queue<Ask, Answer> {
    waiting: RefCell<Vec<(Ask, oneshot::Sender<Answer>)>>,
    /// Whether a read is under way or queued.
    reading: Cell<bool>,
}

impl<Ask, Answer> Default for Queue<Ask, Answer> {
    fn default() -> Self {
        Self {
            waiting: RefCell::new(Vec::new()),
            reading: Cell::new(false),
        }
    }
}

/// `reader`'s answer to `ask`, from a read that began after this call; `None` if the read
/// stopped before answering.
pub(crate) async fn ask<R: BatchedRead>(reader: &Rc<R>, ask: R::Ask) -> Option<R::Answer> {
    let (sender, answer) = oneshot::channel();
    let queue = reader.queue();
    queue.waiting.borrow_mut().push((ask, sender));
    if !queue.reading.replace(true) {
        // A task of its own, so that a request that goes away does not strand the others. It
        // runs after the tasks already woken: what they ask joins its first read.
        tokio::task::spawn_local(read_until_none_wait(reader.clone()));
    }
    answer.await.ok()
}

async fn read_until_none_wait<R: BatchedRead>(reader: Rc<R>) {
    loop {
        let batch: Vec<_> = {
            let mut waiting = reader.queue().waiting.borrow_mut();
            let size = waiting.len().min(R::MOST);
            waiting.drain(..size).collect()
        };
        if batch.is_empty() {
            reader.queue().reading.set(false);
            return;
        }
        let (asks, senders): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        for (answer, sender) in reader.read(asks).await.into_iter().zip(senders) {
            let _ = sender.send(answer);
        }
    }
}
