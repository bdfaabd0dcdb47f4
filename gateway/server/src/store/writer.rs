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

/// The one writer of a gateway's consent log.
#[derive(Clone)]
pub struct LogWriter {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for LogWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogWriter")
    }
}

impl LogWriter {
    /// Starts the writer task for `log`.
    pub fn start(log: Arc<dyn ConsentLog>) -> LogWriter {
        let (jobs, mut queue) = mpsc::channel::<Job>(4 * MAX_BATCH);
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
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
            }
        });
        LogWriter { jobs }
    }

    /// Appends a record; resolves to its position once it is durable.
    pub async fn append(&self, record: ConsentRecord) -> Result<u64, StoreError> {
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Job { record, done })
            .await
            .map_err(|_| StoreError::Stopped)?;
        result.await.map_err(|_| StoreError::Stopped)?
    }
}
