using Latchkey.Accounts;

namespace Latchkey.Stores.Tests;

/// <summary>What the admin API needs of the account store (roles, search), on every backend.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Accounts_Roles_AreStoredAndReplaced()
    {
        var account = NewAccount($"role-{Guid.NewGuid():N}@example.com");
        Assert.True(await Stores.Accounts.TryCreateAsync(account with { Roles = AccountRoles.Admin }, default));
        Assert.Equal(AccountRoles.Admin, (await Stores.Accounts.FindByIdAsync(account.Id, default))!.Roles);

        Assert.True(await Stores.Accounts.SetRolesAsync(account.Id, AccountRoles.None, default));
        Assert.Equal(AccountRoles.None, (await Stores.Accounts.FindByIdAsync(account.Id, default))!.Roles);
        Assert.False(await Stores.Accounts.SetRolesAsync("nobody", AccountRoles.Admin, default));
    }

    [Fact]
    public async Task Accounts_Search_MatchesPartOfTheEmail_InOrder_PageByPage()
    {
        // A marker of its own keeps other tests' accounts out of the results; its wildcards-to-be must be taken literally.
        var marker = Guid.NewGuid().ToString("N")[..10];
        string[] emails = [$"c.{marker}@example.com", $"a.{marker}@example.com", $"b.{marker}@example.org", $"d%{marker}_x@example.com"];
        foreach (var email in emails)
        {
            Assert.True(await Stores.Accounts.TryCreateAsync(NewAccount(email), default));
        }

        var all = EmailAddress.Normalize(marker);
        var first = await Stores.Accounts.SearchAsync(new AccountSearch(all, null, 3), default);
        Assert.Equal([$"A.{all}@EXAMPLE.COM", $"B.{all}@EXAMPLE.ORG", $"C.{all}@EXAMPLE.COM"], first.Select(a => a.NormalizedEmail));
        var second = await Stores.Accounts.SearchAsync(new AccountSearch(all, first[^1].NormalizedEmail, 3), default);
        Assert.Equal([$"D%{all}_X@EXAMPLE.COM"], second.Select(a => a.NormalizedEmail));
        Assert.Empty(await Stores.Accounts.SearchAsync(new AccountSearch(all, second[^1].NormalizedEmail, 3), default));

        Assert.Equal([$"B.{all}@EXAMPLE.ORG"], (await Stores.Accounts.SearchAsync(new AccountSearch($"{all}@EXAMPLE.ORG", null, 10), default)).Select(a => a.NormalizedEmail));
        // % and _ are characters to find, not wildcards.
        Assert.Equal([$"D%{all}_X@EXAMPLE.COM"], (await Stores.Accounts.SearchAsync(new AccountSearch($"%{all}_", null, 10), default)).Select(a => a.NormalizedEmail));
        Assert.Empty(await Stores.Accounts.SearchAsync(new AccountSearch($"_{all}", null, 10), default));

        // No filter: every account; walking it two at a time gives the same accounts as one page, the marker's among them.
        var everyone = await Stores.Accounts.SearchAsync(new AccountSearch(null, null, 10_000), default);
        var walked = new List<string>();
        for (IReadOnlyList<Account> page = []; walked.Count == 0 || page.Count == 2;)
        {
            page = await Stores.Accounts.SearchAsync(new AccountSearch(null, walked.LastOrDefault(), 2), default);
            walked.AddRange(page.Select(a => a.NormalizedEmail));
        }

        Assert.Equal(everyone.Select(a => a.NormalizedEmail), walked);
        Assert.Equal(4, everyone.Count(a => a.NormalizedEmail.Contains(all, StringComparison.Ordinal)));
    }
}
