import type { InvitationView } from '@sharedtech/core';
import type { matchStudiosForRequest } from '@sharedtech/services';
import type { Ui } from '../context.js';
import { ActionButton } from './form.js';
import { Badge, Section, Tags, Time } from './ui.js';

/** A studio as matching ranks it (`pastContracts`: its contracts that are ACTIVE or COMPLETED). */
export type StudioMatch = Awaited<ReturnType<typeof matchStudiosForRequest>>['items'][number];

/**
 * The matching studios on a request's page (its owner and associations): the
 * ranking with each studio's reputation, the note on how reputation counts,
 * an "invite to bid" button per studio for the owner of an OPEN request, and
 * the invitations already sent with their answers.
 */
export function MatchesSection({ ui, requestId, matches, invitations, canInvite }: {
  ui: Ui;
  requestId: string;
  matches: StudioMatch[];
  invitations: InvitationView[];
  canInvite: boolean;
}) {
  const t = ui.t;
  const invited = new Map(invitations.map((invitation) => [invitation.studioOrgId, invitation]));
  return (
    <div id="matches">
      <Section title={t('request.matches')} id="matches">
        <p class="muted">{t('request.matchesLead')}</p>
        <p class="muted" data-reputation-note>{t('match.reputationNote')}</p>
        <ul class="list">
          {matches.map((match) => (
            <li class="item" data-match-studio={match.studio.id}>
              <a href={`/orgs/${match.studio.id}`}>{match.studio.name}</a> <span class="muted">{t('request.matchScore', { score: match.score })}</span>{' '}
              <span class="muted">
                {match.averages ? t('match.rating', { overall: match.averages.overall.toFixed(2), count: match.averages.count }) : t('match.noRating')}
                {' · '}
                {t('match.reputation', { points: (match.reputation ?? 0) > 0 ? `+${match.reputation}` : String(match.reputation ?? 0) })}
                {' · '}
                <span data-past-contracts={String(match.pastContracts ?? 0)}>
                  {match.pastContracts ? t('match.pastContracts', { count: match.pastContracts }) : t('match.noPastContracts')}
                </span>
              </span>
              <Tags tags={match.sharedTags} />
              {invited.has(match.studio.id) ? (
                <Badge status="INVITED" label={t('match.invited')} />
              ) : canInvite ? (
                <ActionButton action={`/requests/${requestId}/invitations`} label={t('match.invite')} hidden={{ studioOrgId: match.studio.id }} />
              ) : null}
            </li>
          ))}
        </ul>
        {invitations.length > 0 ? (
          <>
            <h3>{t('invitation.sent')}</h3>
            <ul class="list" data-invitations>
              {invitations.map((invitation) => (
                <li class="item" data-invitation-id={invitation.id}>
                  <a href={`/orgs/${invitation.studioOrgId}`}>{invitation.studioName}</a>{' '}
                  <Badge status={invitation.status} label={t(`invitation.status.${invitation.status}`)} /> <Time ui={ui} iso={invitation.createdAt} />
                  {invitation.declineReason ? <p class="muted">{t('invitation.declineReason')}：{invitation.declineReason}</p> : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Section>
    </div>
  );
}
