import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from '@sharedtech/core';
import type { AttachmentView } from '@sharedtech/services';
import type { Ui } from '../context.js';
import { Empty, Section, Time } from './ui.js';

/** The extensions the file picker offers (the server checks them again). */
const ACCEPT = Object.values(ATTACHMENT_TYPES).flat().map((extension) => `.${extension}`).join(',');

/** 1.5 MB, 320 KB, 12 B: sizes people read. */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** Files of one parent: each downloads through `/attachments/<id>` (a short-lived URL for who may see it). */
export function AttachmentList({ ui, items }: { ui: Ui; items: AttachmentView[] }) {
  if (items.length === 0) return <Empty>{ui.t('attachment.empty')}</Empty>;
  return (
    <ul class="list attachments">
      {items.map((attachment) => (
        <li class="item" data-attachment-id={attachment.id}>
          <a href={`/attachments/${attachment.id}`} download={attachment.name}>
            {attachment.name}
          </a>{' '}
          <span class="muted">
            {fileSize(attachment.size)}
            {attachment.uploadedByName ? ` · ${attachment.uploadedByName}` : ''}
          </span>{' '}
          <Time ui={ui} iso={attachment.completedAt ?? attachment.createdAt} />
        </li>
      ))}
    </ul>
  );
}

/**
 * The upload control: a plain multipart form to `/attachments`, which stores
 * the file through the storage port and comes back to `back`. With scripts on,
 * `app.js` uploads straight to the storage instead (declare, PUT to the
 * presigned URL, complete), so large files never pass through the function.
 */
export function AttachmentUpload({ ui, parent, back, label }: { ui: Ui; parent: string; back: string; label?: string }) {
  const t = ui.t;
  return (
    <form method="post" action="/attachments" enctype="multipart/form-data" class="stack attachment-upload" data-attachment-upload novalidate>
      <input type="hidden" name="parent" value={parent} />
      <input type="hidden" name="back" value={back} />
      <FileFields ui={ui} label={label ?? t('attachment.choose')} />
    </form>
  );
}

/** The file chooser, its limits and the upload button of an upload form (the script reads `data-max-bytes`). */
function FileFields({ ui, label }: { ui: Ui; label: string }) {
  const t = ui.t;
  return (
    <>
      <label>
        <span>{label}</span>
        <input type="file" name="file" required accept={ACCEPT} data-max-bytes={String(MAX_ATTACHMENT_BYTES)} />
      </label>
      <p class="hint">{t('attachment.hint')}</p>
      <p class="form-actions">
        <button type="submit" class="button secondary">
          {t('attachment.upload')}
        </button>
      </p>
    </>
  );
}

/** A parent's files and, for who may add one, the upload control. */
export function AttachmentsSection({ ui, parent, items, canUpload, back, title, id = 'attachments' }: {
  ui: Ui;
  parent: string;
  items: AttachmentView[];
  canUpload: boolean;
  back: string;
  title?: string;
  id?: string;
}) {
  return (
    <div id={id}>
      <Section title={title ?? ui.t('attachment.title')} id={`${id}-section`}>
        <AttachmentList ui={ui} items={items} />
        {canUpload ? <AttachmentUpload ui={ui} parent={parent} back={`${back}#${id}`} /> : null}
      </Section>
    </div>
  );
}

/** The files of a contract's milestone submissions, by milestone, with the studio's upload control where it may add one. */
export function MilestoneFilesSection({ ui, contractId, milestones, items, uploadable }: {
  ui: Ui;
  contractId: string;
  milestones: { n: number; title: string }[];
  items: AttachmentView[];
  uploadable: number[];
}) {
  const t = ui.t;
  const shown = milestones.filter((milestone) => uploadable.includes(milestone.n) || items.some((item) => item.parent === `MILESTONE:${contractId}:${milestone.n}`));
  if (shown.length === 0) return null;
  return (
    <div id="milestone-files">
    <Section title={t('attachment.milestoneTitle')} id="milestone-files-section">
      {shown.map((milestone) => {
        const parent = `MILESTONE:${contractId}:${milestone.n}`;
        return (
          <div class="stack" data-attachments-of={parent}>
            <h3>{milestone.title}</h3>
            <AttachmentList ui={ui} items={items.filter((item) => item.parent === parent)} />
            {uploadable.includes(milestone.n) ? <AttachmentUpload ui={ui} parent={parent} back={`/contracts/${contractId}#milestone-files`} /> : null}
          </div>
        );
      })}
    </Section>
    </div>
  );
}

/** Files in a contract's messages, by message; a party attaches files to its own organisation's recent messages. */
export function MessageFilesSection({ ui, contractId, messages, items, ownMessages }: {
  ui: Ui;
  contractId: string;
  messages: { id: string; text: string }[];
  items: AttachmentView[];
  /** The caller's organisation's messages it may attach to (newest first). */
  ownMessages: { id: string; text: string }[];
}) {
  const t = ui.t;
  if (items.length === 0 && ownMessages.length === 0) return null;
  const excerpt = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
  const byMessage = new Map<string, AttachmentView[]>();
  for (const item of items) byMessage.set(item.parent, [...(byMessage.get(item.parent) ?? []), item]);
  return (
    <div id="message-files">
    <Section title={t('attachment.messageFiles')} id="message-files-section">
      {[...byMessage.entries()].map(([parent, files]) => {
        const message = messages.find((candidate) => parent.endsWith(`:${candidate.id}`));
        return (
          <div class="stack" data-attachments-of={parent}>
            {message ? <p class="muted">“{excerpt(message.text)}”</p> : null}
            <AttachmentList ui={ui} items={files} />
          </div>
        );
      })}
      {ownMessages.length > 0 ? (
        <form method="post" action="/attachments" enctype="multipart/form-data" class="stack attachment-upload" data-attachment-upload novalidate>
          <input type="hidden" name="back" value={`/contracts/${contractId}#message-files`} />
          <label>
            <span>{t('attachment.messageAttach')}</span>
            <select name="parent" required>
              {ownMessages.map((message) => (
                <option value={`MESSAGE:${contractId}:${message.id}`}>{excerpt(message.text)}</option>
              ))}
            </select>
          </label>
          <FileFields ui={ui} label={t('attachment.choose')} />
        </form>
      ) : null}
    </Section>
    </div>
  );
}
