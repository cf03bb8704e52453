import { findPersonByTeamsId, teamsIdsFor } from '../../src/people/find-people';
import { personKeys, rememberPerson } from '../../src/people/remember-person';
import { MemoryStore } from '../../src/store/memory-store';

describe('people seen in Slack and in Teams', () => {
  it('someone seen in Slack after Teams keeps their Teams id for the email (Teams approver views)', async () => {
    const store = new MemoryStore();
    const upn = 'rita@digitre.example';
    await rememberPerson(store, { teamsId: '29:rita', name: 'Rita', upn, seenAt: 1 });
    await rememberPerson(store, { teamsId: 'U0RITA', name: 'Rita', upn, seenAt: 2 });
    expect(await teamsIdsFor(store, [upn], { everyone: false })).toEqual(['29:rita']);
    // The Slack id is known on its own key, with the email that matches the catalog.
    expect(await findPersonByTeamsId(store, 'U0RITA')).toMatchObject({ upn });
  });

  it('a Slack user id gets no upn key; a Teams id does', () => {
    expect(personKeys({ teamsId: 'U0RITA', upn: 'Rita@X' })).toEqual(['teams:U0RITA']);
    expect(personKeys({ teamsId: 'W0GRID', upn: 'Rita@X' })).toEqual(['teams:W0GRID']);
    expect(personKeys({ teamsId: '29:rita', upn: 'Rita@X' })).toEqual([
      'teams:29:rita',
      'upn:rita@x',
    ]);
  });
});
