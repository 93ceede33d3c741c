import type { Hono } from 'hono';
import { DeclineInvitationSchema, InviteStudioSchema, declineInvitation, getVisibleInvitation, inviteStudio, listMyInvitations } from '@sharedtech/services';
import type { WebDeps } from '../deps.js';
import { FormSubmit, TextArea } from '../components/form.js';
import { Layout } from '../components/layout.js';
import { Badge, Empty, PageHeader, Pager, Time } from '../components/ui.js';
import { flash, formOf, pageKit, pathParam, render } from '../context.js';
import { emptyForm, parseInput } from '../forms.js';

/**
 * Invitations to bid on the pages: the owner invites from the matches on its
 * request's page; a studio lists its invitations (in its menu), opens the
 * request to bid, or declines with a reason.
 */
export function invitationPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  web.post(
    '/requests/:id/invitations',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      await inviteStudio(deps, ui.principal, id, parseInput(InviteStudioSchema, { studioOrgId: values.studioOrgId ?? '' }));
      flash(c, 'flash.invited');
      return c.redirect(`/requests/${id}#matches`, 303);
    }),
  );

  web.get(
    '/invitations',
    page(async (c, ui) => {
      const t = ui.t;
      const mine = await listMyInvitations(deps, ui.principal, { cursor: c.req.query('cursor') });
      return render(
        c,
        <Layout ui={ui} title={t('invitation.title')}>
          <PageHeader title={t('invitation.title')} lead={t('invitation.lead')} />
          {mine.items.length === 0 ? <Empty>{t('invitation.empty')}</Empty> : null}
          <ol class="list">
            {mine.items.map((invitation) => (
              <li class="item" data-invitation-id={invitation.id}>
                <p class="item-meta">
                  <a href={`/requests/${invitation.requestId}`}>
                    <strong>{invitation.requestTitle}</strong>
                  </a>
                  <Badge status={invitation.status} label={t(`invitation.status.${invitation.status}`)} />
                  <span>
                    {t('invitation.invitedAt')} <Time ui={ui} iso={invitation.createdAt} />
                  </span>
                </p>
                {invitation.message ? (
                  <p class="prose">
                    {t('invitation.message')}：{invitation.message}
                  </p>
                ) : null}
                {invitation.declineReason ? <p class="muted">{t('invitation.declineReason')}：{invitation.declineReason}</p> : null}
                {invitation.status === 'PENDING' ? (
                  <>
                    <p>
                      <a class="button primary" href={`/requests/${invitation.requestId}`}>
                        {t('invitation.view')}
                      </a>
                    </p>
                    <form method="post" action={`/invitations/${invitation.id}/decline`} class="stack" novalidate>
                      <TextArea ui={ui} form={emptyForm()} scope={`decline-${invitation.id}`} name="reason" required rows={2} label={t('invitation.declineReason')} maxlength={1000} />
                      <FormSubmit label={t('invitation.decline')} variant="secondary" />
                    </form>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
          <Pager ui={ui} nextCursor={mine.nextCursor} />
        </Layout>,
      );
    }),
  );

  web.post(
    '/invitations/:id/decline',
    action(async (c, ui) => {
      const id = pathParam(c);
      const values = await formOf(c);
      const { reason } = parseInput(DeclineInvitationSchema, { reason: values.reason ?? '' });
      await declineInvitation(deps, ui.principal, id, reason);
      flash(c, 'flash.invitationDeclined');
      return c.redirect('/invitations', 303);
    }),
  );

  // An invitation's address (notifications, audit trail): the request it is about.
  web.get(
    '/invitations/:id',
    page(async (c, ui) => {
      const invitation = await getVisibleInvitation(deps, ui.principal, pathParam(c));
      return c.redirect(`/requests/${invitation.requestId}`, 303);
    }),
  );
}
