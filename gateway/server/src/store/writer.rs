//! Group commit: decisions that arrive while a batch is being committed wait for the next
//! batch, which is written in one transaction, so many concurrent decisions cost few
//! syncs and each is answered only once it is durable.

use std::sync::Arc;

use consentry_engine::ConsentRecord;
use tokio::sync::{mpsc, oneshot};

use super::{ConsentLog, StoreError};

/// The most records one transaction takes.
const MAX_BATCH: usize = 512;

struct Job {
    record: ConsentRecord,
    done: oneshot::Sender<Result<u64, StoreError>>,
}

/// A record to append, or a marker answered once everything queued before it is durable.
enum Queued {
    Append(Box<Job>),
    Flush(oneshot::Sender<()>),
}

/// The one writer of a gateway's consent log.
#[derive(Clone)]
pub struct LogWriter {
    jobs: mpsc::Sender<Queued>,
}

impl std::fmt::Debug for LogWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogWriter")
    }
}

impl LogWriter {
    /// Starts the writer task for `log`.
    pub fn start(log: Arc<dyn ConsentLog>) -> LogWriter {
        let (jobs, mut queue) = mpsc::channel::<Queued>(4 * MAX_BATCH);
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                let mut batch = Vec::new();
                let mut flushes = Vec::new();
                let mut next = Some(first);
                while let Some(queued) = next.take() {
                    match queued {
                        Queued::Append(job) => batch.push(*job),
                        Queued::Flush(done) => flushes.push(done),
                    }
                    if batch.len() < MAX_BATCH {
                        next = queue.try_recv().ok();
                    }
                }
                if batch.is_empty() {
                    for done in flushes {
                        let _ = done.send(());
                    }
                    continue;
                }
                let records: Vec<ConsentRecord> = batch.iter().map(|j| j.record.clone()).collect();
                match log.append_batch(&records).await {
                    Ok(seqs) => {
                        for (job, seq) in batch.into_iter().zip(seqs) {
                            let _ = job.done.send(Ok(seq));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, records = records.len(), "consent records not stored");
                        for job in batch {
                            let _ = job.done.send(Err(e.clone()));
                        }
                    }
                }
                for done in flushes {
                    let _ = done.send(());
                }
            }
        });
        LogWriter { jobs }
    }

    /// Appends a record; resolves to its position once it is durable.
    pub async fn append(&self, record: ConsentRecord) -> Result<u64, StoreError> {
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Queued::Append(Box::new(Job { record, done })))
            .await
            .map_err(|_| StoreError::Stopped)?;
        result.await.map_err(|_| StoreError::Stopped)?
    }

    /// Resolves once every record queued before the call is durable (or refused).
    pub async fn flush(&self) {
        let (done, flushed) = oneshot::channel();
        if self.jobs.send(Queued::Flush(done)).await.is_ok() {
            let _ = flushed.await;
        }
    }
}
