import {
  ConflictError, DOWNLOAD_URL_SECONDS, ForbiddenError, NotFoundError, PENDING_ATTACHMENT_SECONDS, ServiceUnavailableError, UPLOAD_URL_SECONDS,
  UnprocessableError, ValidationError, assertAllowedFile, mayAttachToMilestone, contractParties, isAssociation, isExpiredAttachment, parseAttachmentParent, uploadMismatch,
  type Attachment, type AttachmentParent, type EntityRef, type Principal,
} from '@sharedtech/core';
import {
  commitChange, deletePendingAttachment, getAttachment, getContractMessage, getMilestone, getRequest, listAttachmentsOfContract, listMilestones, listAttachmentsOfParent, writeAttachmentChange,
  writeNewAttachment, type PageRequest,
} from '@sharedtech/data';
import type { AttachmentStorage, ServiceDeps, StoredObject } from './deps.js';
import { applyChange, toAssociations, toOrg, type NotificationSpec } from './change.js';
import { getVisibleBid } from './bids.js';
import { getVisibleContract } from './contracts.js';
import { getVisibleDispute } from './disputes.js';
import { contractThread, threadAccessTo } from './messages.js';
import { getVisibleOrganisation, isMemberOrModerator } from './organisations.js';
import { getVisibleRequest, maySeeRequestDetails } from './requests.js';

/** What the caller may do with a parent's attachments, and whom a new one concerns. */
interface ParentAccess {
  canUpload: boolean;
  /** The entity whose trail records the attachment (and where its notification links to). */
  entity: EntityRef;
  title: string;
  /** Organisations told when an attachment is added (the uploader's own is left out). */
  notifyOrgs: string[];
  notifyAssociations?: boolean;
}

const notFound = (parent: string) => new NotFoundError('Attachment parent', parent);

/**
 * Who may see and add attachments of a parent. Reading follows the parent's own
 * visibility — a request's attachments are part of its details, a bid's are
 * sealed like the bid, an organisation's evidence is for its members and the
 * associations — and anyone who may not read gets a 404.
 */
async function accessTo(deps: ServiceDeps, principal: Principal, parent: AttachmentParent): Promise<ParentAccess> {
  const orgId = principal.membership?.orgId;
  const hide = <T>(promise: Promise<T>) => promise.catch((error) => {
    throw error instanceof NotFoundError ? notFound(parent.key) : error;
  });
  switch (parent.type) {
    case 'REQUEST': {
      const request = await hide(getVisibleRequest(deps, principal, parent.id));
      if (!maySeeRequestDetails(principal, request)) throw notFound(parent.key);
      return {
        canUpload: orgId === request.ownerOrgId && principal.org?.status === 'VERIFIED' && !['CANCELLED', 'CLOSED'].includes(request.status),
        entity: { type: 'request', id: request.id },
        title: request.title,
        notifyOrgs: [],
      };
    }
    case 'BID': {
      const bid = await hide(getVisibleBid(deps, principal, parent.id));
      const request = await getRequest(deps.db, bid.requestId);
      return {
        canUpload: orgId === bid.studioOrgId && bid.status === 'SUBMITTED',
        entity: { type: 'bid', id: bid.id },
        title: request?.title ?? bid.requestId,
        notifyOrgs: [bid.requestOwnerOrgId],
      };
    }
    case 'MILESTONE': {
      const contract = await hide(getVisibleContract(deps, principal, parent.contractId));
      const milestone = await getMilestone(deps.db, contract.id, parent.n);
      if (!milestone) throw notFound(parent.key);
      return {
        canUpload: mayAttachToMilestone(orgId, contract.studioOrgId, milestone.status),
        entity: { type: 'contract', id: contract.id },
        title: `${contract.title} · ${milestone.title}`,
        notifyOrgs: [contract.enterpriseOrgId],
      };
    }
    case 'DISPUTE': {
      const dispute = await hide(getVisibleDispute(deps, principal, parent.id));
      const contract = await getVisibleContract(deps, principal, dispute.contractId).catch(() => undefined);
      const parties = contract ? contractParties(contract) : [];
      const association = isAssociation(principal);
      return {
        canUpload: dispute.status === 'OPEN' && (association || parties.includes(orgId ?? '')),
        entity: { type: 'dispute', id: dispute.id },
        title: contract?.title ?? dispute.contractId,
        notifyOrgs: parties,
        notifyAssociations: !association,
      };
    }
    case 'MESSAGE': {
      const { contract, parties, access } = await hide(contractThread(deps, principal, parent.contractId));
      const message = await getContractMessage(deps.db, contract.id, parent.id);
      if (!message) throw notFound(parent.key);
      return {
        canUpload: access === 'WRITE' && message.authorOrgId === orgId,
        entity: { type: 'contract', id: contract.id },
        title: contract.title,
        notifyOrgs: parties,
      };
    }
    case 'ORGANISATION': {
      const org = await hide(getVisibleOrganisation(deps, principal, parent.id));
      if (!isMemberOrModerator(principal, org.id)) throw notFound(parent.key);
      return {
        canUpload: orgId === org.id,
        entity: { type: 'organisation', id: org.id },
        title: org.name,
        notifyOrgs: [],
        notifyAssociations: org.status === 'PENDING',
      };
    }
  }
}

function parentOf(key: string): AttachmentParent {
  const parent = parseAttachmentParent(key);
  if (!parent) throw ValidationError.field('parent', 'Name what the file belongs to, e.g. REQUEST:req_01J… or MILESTONE:ctr_01J…:2.', 'invalid_parent');
  return parent;
}

function storageOf(deps: ServiceDeps): AttachmentStorage {
  if (!deps.storage) throw new ServiceUnavailableError('Attachments are not available here: no storage is configured.', 60, 'STORAGE_UNAVAILABLE');
  return deps.storage;
}

const objectOf = (attachment: Attachment): StoredObject => ({
  key: attachment.objectKey,
  name: attachment.name,
  contentType: attachment.contentType,
  size: attachment.size,
  sha256: attachment.sha256,
});

/** An attachment as callers see it: no storage key, lock version or TTL. */
export const viewOfAttachment = ({ version: _version, objectKey: _key, pendingUntil: _until, uploadedBy: _by, ...rest }: Attachment) => rest;
export type AttachmentView = ReturnType<typeof viewOfAttachment>;

export interface AttachmentDeclaration {
  parent: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
}

async function uploadableParent(deps: ServiceDeps, principal: Principal, key: string) {
  const parent = parentOf(key);
  const access = await accessTo(deps, principal, parent);
  if (!access.canUpload) throw new ForbiddenError('ATTACHMENT_NOT_ALLOWED', 'You cannot add files here (only its author or owner can, while it is open).');
  return { parent, access };
}

function pendingAttachment(deps: ServiceDeps, principal: Principal, parent: AttachmentParent, declaration: AttachmentDeclaration): Attachment {
  const contentType = assertAllowedFile(declaration.name, declaration.contentType);
  const now = deps.clock();
  const id = deps.ids('attachment');
  return {
    id,
    parent: parent.key,
    parentType: parent.type,
    name: declaration.name,
    contentType,
    size: declaration.size,
    sha256: declaration.sha256.toLowerCase(),
    status: 'PENDING',
    ownerOrgId: principal.membership!.orgId,
    uploadedBy: principal.sub,
    uploadedByName: principal.membership?.displayName,
    objectKey: `attachments/${id}`,
    createdAt: now.toISOString(),
    pendingUntil: new Date(now.getTime() + PENDING_ATTACHMENT_SECONDS * 1000).toISOString(),
    version: 1,
  };
}

/**
 * Declares a file: name, type, size, SHA-256 and what it belongs to. Answers
 * with the PENDING attachment and where to PUT its bytes; it counts only once
 * `completeAttachment` found the stored object to be exactly that.
 */
export async function declareAttachment(deps: ServiceDeps, principal: Principal, declaration: AttachmentDeclaration) {
  const storage = storageOf(deps);
  const { parent } = await uploadableParent(deps, principal, declaration.parent);
  const attachment = pendingAttachment(deps, principal, parent, declaration);
  const upload = await storage.uploadTarget(objectOf(attachment), UPLOAD_URL_SECONDS);
  // The declaration alone changes nothing anyone sees: no audit yet, and its TTL removes it if abandoned.
  await commitChange(deps.db, { writes: [writeNewAttachment(deps.db, attachment)], audit: [], notifications: [] });
  return { attachment: viewOfAttachment(attachment), upload };
}

/** A PENDING attachment of the caller's organisation (404 for anyone else, or once it expired). */
async function ownPending(deps: ServiceDeps, principal: Principal, attachmentId: string) {
  const attachment = await getAttachment(deps.db, attachmentId, true);
  if (!attachment || attachment.ownerOrgId !== principal.membership?.orgId || isExpiredAttachment(attachment, deps.clock())) {
    throw new NotFoundError('Attachment', attachmentId);
  }
  return attachment;
}

/**
 * Checks the stored object against the declaration. A match makes the
 * attachment READY — audited and notified in one transaction; a mismatch
 * removes the object and the declaration (422), so nothing is left behind.
 */
export async function completeAttachment(deps: ServiceDeps, principal: Principal, attachmentId: string): Promise<AttachmentView> {
  const storage = storageOf(deps);
  const attachment = await ownPending(deps, principal, attachmentId);
  if (attachment.status === 'READY') return viewOfAttachment(attachment);
  const stored = await storage.inspect(attachment.objectKey);
  if (!stored) throw new ConflictError('UPLOAD_MISSING', 'Nothing has been uploaded for this attachment yet; PUT the file to its upload URL first.');
  const mismatch = uploadMismatch(attachment, stored);
  if (mismatch.length > 0) {
    await storage.remove(attachment.objectKey);
    await commitChange(deps.db, { writes: [deletePendingAttachment(deps.db, attachment)], audit: [], notifications: [] }).catch(() => undefined);
    throw new UnprocessableError('UPLOAD_MISMATCH', `The uploaded file does not match its declaration (${mismatch.join(', ')}); it was discarded.`, {
      issues: mismatch.map((field) => ({ path: field, code: 'upload_mismatch', message: `The uploaded ${field} differs from the declared one.` })),
    });
  }
  const { access } = await uploadableParent(deps, principal, attachment.parent);
  await storage.confirm(attachment.objectKey);
  const { pendingUntil: _pending, ...rest } = attachment;
  const ready: Attachment = { ...rest, status: 'READY', completedAt: deps.clock().toISOString(), version: attachment.version + 1 };
  const uploader = principal.membership!.orgId;
  const notify: NotificationSpec[] = access.notifyOrgs
    .filter((orgId) => orgId !== uploader)
    .map((orgId) => ({ to: toOrg(orgId), type: 'ATTACHMENT_ADDED', params: { title: access.title, name: ready.name } }));
  if (access.notifyAssociations) notify.push({ to: toAssociations, type: 'ATTACHMENT_ADDED', params: { title: access.title, name: ready.name } });
  await applyChange(deps, principal, {
    writes: [writeAttachmentChange(deps.db, ready, () => new ConflictError('CONCURRENT_UPDATE', 'The attachment was completed meanwhile; reload it.'))],
    transitions: [
      { entity: access.entity, action: 'attach', details: { attachmentId: ready.id, parent: ready.parent, name: ready.name, size: ready.size, sha256: ready.sha256 } },
      { entity: { type: 'attachment', id: ready.id }, action: 'complete', before: 'PENDING', after: 'READY', details: { parent: ready.parent } },
    ],
    notify,
  });
  return viewOfAttachment(ready);
}

/**
 * The pages' plain upload form: the server received the bytes itself, so it
 * declares, stores and completes in one go (same checks, same transaction).
 */
export async function uploadAttachment(deps: ServiceDeps, principal: Principal, declaration: AttachmentDeclaration, body: Uint8Array) {
  const storage = storageOf(deps);
  const { parent } = await uploadableParent(deps, principal, declaration.parent);
  const attachment = pendingAttachment(deps, principal, parent, declaration);
  await commitChange(deps.db, { writes: [writeNewAttachment(deps.db, attachment)], audit: [], notifications: [] });
  try {
    await storage.put(objectOf(attachment), body);
    return await completeAttachment(deps, principal, attachment.id);
  } catch (error) {
    // Whatever failed, neither the object nor the declaration outlives it.
    await storage.remove(attachment.objectKey).catch(() => undefined);
    const current = await getAttachment(deps.db, attachment.id, true);
    if (current?.status === 'PENDING') await commitChange(deps.db, { writes: [deletePendingAttachment(deps.db, current)], audit: [], notifications: [] }).catch(() => undefined);
    throw error;
  }
}

/** A READY attachment, for whoever may see its parent (404 for everyone else, as for an id that does not exist). */
export async function getVisibleAttachment(deps: ServiceDeps, principal: Principal, attachmentId: string) {
  const attachment = await getAttachment(deps.db, attachmentId);
  if (!attachment || attachment.status !== 'READY') throw new NotFoundError('Attachment', attachmentId);
  await accessTo(deps, principal, parentOf(attachment.parent)).catch((error) => {
    throw error instanceof NotFoundError ? new NotFoundError('Attachment', attachmentId) : error;
  });
  return attachment;
}

/** A READY attachment with a short-lived download URL, for whoever may see its parent (404 for everyone else). */
export async function readAttachment(deps: ServiceDeps, principal: Principal, attachmentId: string) {
  const storage = storageOf(deps);
  const attachment = await getVisibleAttachment(deps, principal, attachmentId);
  const expiresAt = new Date(deps.clock().getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString();
  return { ...viewOfAttachment(attachment), download: { url: await storage.downloadUrl(objectOf(attachment), DOWNLOAD_URL_SECONDS), expiresAt } };
}

/** The READY attachments of a parent, newest first, for those who may see it; `canUpload` says whether the caller may add one. */
export async function listAttachments(deps: ServiceDeps, principal: Principal, parentKey: string, page: PageRequest) {
  const parent = parentOf(parentKey);
  const access = await accessTo(deps, principal, parent);
  const result = await listAttachmentsOfParent(deps.db, parent, page);
  return { items: result.items.map(viewOfAttachment), nextCursor: result.nextCursor, canUpload: access.canUpload };
}

/**
 * For the contract page: the attachments of its milestone submissions and of
 * its messages (the latter only for who may read the thread), the newest 100
 * of each, with one Query per kind.
 */
export async function listContractAttachments(deps: ServiceDeps, principal: Principal, contractId: string) {
  const contract = await getVisibleContract(deps, principal, contractId);
  const [milestones, plan] = await Promise.all([listAttachmentsOfContract(deps.db, 'MILESTONE', contract.id, { limit: 100 }), listMilestones(deps.db, contract.id)]);
  const thread = await threadAccessTo(deps, principal, contract, plan);
  const messages = thread === 'NONE' ? { items: [] } : await listAttachmentsOfContract(deps.db, 'MESSAGE', contract.id, { limit: 100 });
  const orgId = principal.membership?.orgId;
  return {
    milestones: milestones.items.map(viewOfAttachment),
    messages: messages.items.map(viewOfAttachment),
    /** Milestones the caller may attach submission files to. */
    uploadableMilestones: plan.filter((milestone) => mayAttachToMilestone(orgId, contract.studioOrgId, milestone.status)).map((milestone) => milestone.n),
    /** Whether the caller may attach files to its own organisation's messages. */
    mayAttachToOwnMessages: thread === 'WRITE',
  };
}
