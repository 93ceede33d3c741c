import type { Hono } from 'hono';
import type { WebDeps } from '../deps.js';
import { AuditQuerySchema, parseEntityRef, readAuditTrail } from '@sharedtech/services';
import { ErrorSummary, SubmitButton, TextInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Empty, PageHeader, Pager, TableScroll, Time } from '../components/ui.js';
import { pageKit, render, type Ui } from '../context.js';
import { emptyForm, formState, zodToWebIssues } from '../forms.js';
import { isMessageKey } from '../i18n/index.js';
import { auditActionLabel, entityHref } from '../labels.js';

const ID = /^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Details worth a column: reasons, notes, the milestone; ids and bookkeeping stay in the JSON API. */
const detailText = (ui: Ui, details: Record<string, unknown> | undefined) =>
  details
    ? Object.entries(details)
        .filter(([, value]) => (typeof value === 'string' || typeof value === 'number') && !ID.test(String(value)))
        .map(([key, value]) => {
          const label = `audit.detail.${key}`;
          return `${isMessageKey(label) ? ui.t(label) : key}: ${String(value)}`;
        })
        .join('；')
    : '';

/** A recorded state in words: request, organisation, bid, contract, dispute states, or a milestone's for milestone steps. */
function stateLabel(ui: Ui, entityType: string, action: string, value: string | undefined) {
  if (!value) return '—';
  const group = action.startsWith('milestone-') ? 'milestone' : entityType === 'organisation' ? 'org' : entityType;
  const key = group === 'dispute' ? `dispute.status.${value}` : `status.${group}.${value}`;
  return isMessageKey(key) ? ui.t(key) : value;
}

/** The append-only audit trail of one record, oldest first, for associations and the record's parties. */
export function auditPages(web: Hono, deps: WebDeps) {
  const { page } = pageKit(deps);
  web.get(
    '/audit',
    page(async (c, ui) => {
      const t = ui.t;
      const entity = c.req.query('entity')?.trim() ?? '';
      const parsed = entity ? AuditQuerySchema.safeParse({ entity, cursor: c.req.query('cursor') }) : undefined;
      const form = parsed && !parsed.success ? formState(ui, { entity }, zodToWebIssues(parsed.error), ['entity']) : emptyForm({ entity });
      const trail = parsed?.success ? await readAuditTrail(deps, ui.principal, parseEntityRef(parsed.data.entity), { cursor: parsed.data.cursor }) : undefined;
      const subject = parsed?.success ? parseEntityRef(parsed.data.entity) : undefined;
      const subjectHref = subject ? entityHref(subject) : undefined;
      return render(
        c,
        <Layout ui={ui} title={t('audit.title')}>
          <PageHeader title={t('audit.title')} lead={t('audit.lead')} />
          <form method="get" action="/audit" class="filters card" role="search" novalidate>
            <ErrorSummary ui={ui} form={form} />
            <TextInput ui={ui} form={form} name="entity" required label={t('audit.entity')} hint={t('audit.entityHint')} maxlength={80} />
            <div />
            <SubmitButton label={t('audit.show')} variant="primary" />
          </form>
          {subject && subjectHref ? (
            <p>
              <a href={subjectHref}>{t('audit.open', { type: t(`entity.${subject.type}`) })}</a>
            </p>
          ) : null}
          {trail ? (
            trail.items.length > 0 ? (
              <TableScroll label={t('audit.title')}>
                <table class="audit">
                  <thead>
                    <tr>
                      <th scope="col">{t('audit.at')}</th>
                      <th scope="col">{t('audit.actor')}</th>
                      <th scope="col">{t('audit.action')}</th>
                      <th scope="col">{t('audit.change')}</th>
                      <th scope="col">{t('audit.details')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {trail.items.map((record) => (
                      <tr data-action={record.action}>
                        <td>
                          <Time ui={ui} iso={record.at} />
                        </td>
                        <td>
                          {record.actor.sub}
                          {record.actor.orgId ? (
                            <>
                              <br />
                              <a class="muted" href={`/orgs/${record.actor.orgId}`}>
                                {record.actor.orgId}
                              </a>
                            </>
                          ) : null}
                        </td>
                        <td>{auditActionLabel(ui, record.action)}</td>
                        <td>
                          {record.before || record.after
                            ? `${stateLabel(ui, record.entity.type, record.action, record.before)} → ${stateLabel(ui, record.entity.type, record.action, record.after)}`
                            : '—'}
                        </td>
                        <td>{detailText(ui, record.details)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <Empty>{t('audit.empty')}</Empty>
            )
          ) : null}
          {trail ? <Pager ui={ui} nextCursor={trail.nextCursor} /> : null}
        </Layout>,
      );
    }),
  );
}
