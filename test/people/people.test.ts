import { MemoryStore } from '../../src/store/memory-store';
import { findPersonByTeamsId, teamsIdsFor } from '../../src/people/find-people';
import { rememberPerson } from '../../src/people/remember-person';

describe('people the bot has seen', () => {
  it('maps catalog principals (UPN, object id) to Teams ids, case-insensitively', async () => {
    const store = new MemoryStore();
    await rememberPerson(store, {
      teamsId: '29:a',
      name: 'Alex',
      upn: 'Alex@Digitre.example',
      aadObjectId: 'AAA-1',
      seenAt: 1,
    });
    await rememberPerson(store, { teamsId: '29:b', name: 'Bo', aadObjectId: 'bbb-2', seenAt: 1 });
    expect(
      await teamsIdsFor(
        store,
        ['alex@digitre.example', 'bbb-2', 'channel:19:x', 'nobody@x.example'],
        { everyone: false },
      ),
    ).toEqual(['29:a', '29:b']);
    expect((await findPersonByTeamsId(store, '29:b'))?.name).toBe('Bo');
  });

  it('returns everyone seen in local mode, capped at the limit Teams honours', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 70; i++)
      await rememberPerson(store, { teamsId: `29:${i}`, name: `P${i}`, seenAt: 1 });
    expect(await teamsIdsFor(store, [], { everyone: true })).toHaveLength(60);
  });

  it('does not rewrite a person seen recently with the same details', async () => {
    const store = new MemoryStore();
    const put = jest.spyOn(store, 'put');
    const alex = { teamsId: '29:a', name: 'Alex', upn: 'a@x.example', seenAt: 1000 };
    await rememberPerson(store, alex);
    const writes = put.mock.calls.length;
    await rememberPerson(store, { ...alex, seenAt: 2000 });
    expect(put.mock.calls.length).toBe(writes);
    await rememberPerson(store, { ...alex, name: 'Alex W.', seenAt: 3000 });
    expect(put.mock.calls.length).toBeGreaterThan(writes);
  });

  it('uses what the caller already read instead of reading again (one read per message)', async () => {
    const store = new MemoryStore();
    const alex = { teamsId: '29:a', name: 'Alex', upn: 'a@x.example', seenAt: 1000 };
    await rememberPerson(store, alex);
    const get = jest.spyOn(store, 'get');
    const put = jest.spyOn(store, 'put');
    await rememberPerson(store, { ...alex, seenAt: 2000 }, alex);
    expect(get).not.toHaveBeenCalled();
    expect(put).not.toHaveBeenCalled();
    // null = the caller found nobody: written without a read.
    await rememberPerson(store, { ...alex, teamsId: '29:new' }, null);
    expect(get).not.toHaveBeenCalled();
    expect((await store.get('people', 'teams:29:new'))?.value).toMatchObject({ name: 'Alex' });
  });
});
