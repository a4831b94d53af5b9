using Ohm.Csms.Accounts;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>Accounts in memory for bUnit tests of the pages: the rules that matter to a page (duplicates, the last Administrator).</summary>
internal sealed class FakeOperatorAccounts : IOperatorAccounts
{
    private readonly Dictionary<string, OperatorAccountView> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Account, ApiKeyView Key)> _keys = [];

    public Task<OperatorAccountView?> VerifyPasswordAsync(string name, string password, CancellationToken cancellationToken = default) => GetAsync(name, cancellationToken);

    public Task<OperatorAccountView> CreateAsync(string name, string password, OperatorRole role, CancellationToken cancellationToken = default)
    {
        if (_accounts.ContainsKey(name))
        {
            throw new AccountException(AccountError.Duplicate, $"An account named '{name}' exists already.");
        }

        var account = new OperatorAccountView(name, role, true, DateTimeOffset.UnixEpoch, null);
        _accounts[name] = account;
        return Task.FromResult(account);
    }

    public Task<IReadOnlyList<OperatorAccountView>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<OperatorAccountView>>([.. _accounts.Values.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase)]);

    public Task<OperatorAccountView?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_accounts.GetValueOrDefault(name));

    public Task<OperatorAccountView> ChangeAsync(string name, OperatorRole? role, bool? enabled, CancellationToken cancellationToken = default)
    {
        var account = _accounts[name];
        if (account.Role == OperatorRole.Administrator && (role ?? account.Role) != OperatorRole.Administrator
            && !_accounts.Values.Any(a => a.Name != name && a.Role == OperatorRole.Administrator && a.Enabled))
        {
            throw new AccountException(AccountError.LastAdministrator, $"'{name}' is the last enabled Administrator.");
        }

        account = account with { Role = role ?? account.Role, Enabled = enabled ?? account.Enabled };
        _accounts[name] = account;
        return Task.FromResult(account);
    }

    public Task SetPasswordAsync(string name, string password, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        if (_accounts[name].Role == OperatorRole.Administrator && !_accounts.Values.Any(a => a.Name != name && a.Role == OperatorRole.Administrator && a.Enabled))
        {
            throw new AccountException(AccountError.LastAdministrator, $"'{name}' is the last enabled Administrator: it cannot be removed.");
        }

        _accounts.Remove(name);
        return Task.CompletedTask;
    }

    public Task<ApiKeyCreated> CreateKeyAsync(string account, string label, CancellationToken cancellationToken = default)
    {
        var id = _keys.Count + 1;
        _keys.Add((account, new ApiKeyView(id, label, "abcdef012345", DateTimeOffset.UnixEpoch, null, null)));
        return Task.FromResult(new ApiKeyCreated(id, label, "abcdef012345", "ohm_abcdef012345_secret" + id, DateTimeOffset.UnixEpoch));
    }

    public Task<IReadOnlyList<ApiKeyView>> ListKeysAsync(string account, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ApiKeyView>>([.. _keys.Where(k => k.Account == account).Select(k => k.Key).Reverse()]);

    public Task<bool> RevokeKeyAsync(string account, long keyId, CancellationToken cancellationToken = default)
    {
        var index = _keys.FindIndex(k => k.Account == account && k.Key.Id == keyId);
        if (index < 0)
        {
            return Task.FromResult(false);
        }

        _keys[index] = (account, _keys[index].Key with { RevokedAt = DateTimeOffset.UnixEpoch });
        return Task.FromResult(true);
    }

    public Task<OperatorAccountView?> VerifyKeyAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult<OperatorAccountView?>(null);
}
