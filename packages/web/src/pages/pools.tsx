import type { Hono } from 'hono';
import { JoinPoolSchema, joinPool, leavePool, readPool, readRequest, type JoinPoolInput } from '@sharedtech/services';
import type { WebDeps } from '../deps.js';
import { ActionButton, ErrorSummary, FormSubmit, PercentInput } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Empty, Facts, PageHeader, Section, TableScroll, Time } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, render, type SignedInUi } from '../context.js';
import { bpsToPercent } from '../format.js';
import { emptyForm, formState, submitForm, type FormState } from '../forms.js';
import { namesOf, orgName } from './contracts.js';


/**
 * The pool page of a request (共性技术需求): the owner's remainder and the
 * members' pledges, the join form for other verified enterprises of the
 * cluster while the request is OPEN, and the members' leave button.
 */
async function PoolPage({ ui, deps, id, form = emptyForm() }: { ui: SignedInUi; deps: WebDeps; id: string; form?: FormState }) {
  const t = ui.t;
  const request = await readRequest(deps, ui.principal, id);
  const pool = await readPool(deps, ui.principal, id);
  const orgs = await namesOf(deps, [pool.ownerOrgId]);
  const me = ui.principal.membership?.orgId;
  const open = pool.requestStatus === 'OPEN';
  const mayJoin =
    open && !pool.isMember && me !== pool.ownerOrgId && ui.principal.org?.type === 'ENTERPRISE' && ui.principal.org.status === 'VERIFIED' && ui.principal.org.cluster === pool.cluster;
  return (
    <Layout ui={ui} title={t('pool.title')}>
      <PageHeader title={t('pool.title')} lead={request.title} back={{ href: `/requests/${id}`, label: t('common.back') }} />
      <p class="muted">{t('pool.lead')}</p>
      {!open ? <p class="notice">{t('pool.closed')}</p> : null}
      <Section title={t('pool.share')}>
        <Facts
          items={[
            [t('pool.owner'), `${orgName(orgs, pool.ownerOrgId)} · ${bpsToPercent(pool.ownerBps)}%`],
            [t('pool.member'), String(pool.memberCount)],
          ]}
        />
        <p data-pool-totals>
          {t('pool.totals', { pledged: bpsToPercent(pool.pledgedBps), owner: bpsToPercent(pool.ownerBps) })} {open ? t('pool.available', { available: bpsToPercent(pool.availableBps) }) : null}
        </p>
        {pool.members.length > 0 ? (
          <TableScroll label={t('pool.title')}>
            <table data-pool-members>
              <thead>
                <tr>
                  <th scope="col">{t('pool.member')}</th>
                  <th scope="col" class="num">{t('pool.share')}</th>
                  <th scope="col" class="num">{t('pool.pledge')}</th>
                  <th scope="col">{t('pool.joinedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {pool.members.map((member) => (
                  <tr data-member={member.orgId}>
                    <td>
                      {member.orgName ?? member.orgId} {member.orgId === me ? t('pool.you') : ''}
                    </td>
                    <td class="num">{bpsToPercent(member.bps)}%</td>
                    <td class="num">{member.pledge ? ui.money(member.pledge) : '—'}</td>
                    <td>
                      <Time ui={ui} iso={member.joinedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : pool.memberCount > 0 ? (
          <p class="muted">{t('pool.membersHidden')}</p>
        ) : (
          <Empty>{t('pool.empty')}</Empty>
        )}
        {pool.isMember && pool.requestStatus !== 'AWARDED' ? (
          <ActionButton action={`/requests/${id}/pool/leave`} label={t('pool.leave')} variant="danger" confirm={t('pool.leave.confirm')} />
        ) : null}
      </Section>
      {mayJoin ? (
        <Section title={t('pool.join.title')} id="join">
          <form method="post" action={`/requests/${id}/pool/join`} class="stack" novalidate>
            <ErrorSummary ui={ui} form={form} />
            <PercentInput ui={ui} form={form} name="pledgeBps" required label={t('pool.join.percent')} hint={t('pool.join.hint')} />
            <FormSubmit label={t('pool.join.submit')} variant="primary" />
          </form>
        </Section>
      ) : null}
    </Layout>
  );
}

export function poolPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  web.get(
    '/requests/:id/pool',
    page(async (c, ui) => render(c, await PoolPage({ ui, deps, id: pathParam(c) }))),
  );

  web.post(
    '/requests/:id/pool/join',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      return submitForm(
        values,
        JoinPoolSchema,
        (read) => ({ pledgeBps: read.bps('pledgeBps') }),
        async (input) => {
          await joinPool(deps, ui.principal, id, input as JoinPoolInput);
          flash(c, 'flash.poolJoined');
          return c.redirect(`/requests/${id}/pool`, 303);
        },
        async (issues) => render(c, await PoolPage({ ui, deps, id, form: formState(ui, values, issues, ['pledgeBps']) }), 400),
      );
    }),
  );

  web.post(
    '/requests/:id/pool/leave',
    action(async (c, ui) => {
      const id = pathParam(c);
      await leavePool(deps, ui.principal, id);
      flash(c, 'flash.poolLeft');
      return c.redirect(`/requests/${id}/pool`, 303);
    }),
  );
}
