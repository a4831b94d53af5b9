using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Storage;

/// <summary>
/// The CSMS database. The model is shared; each provider has its own subclass so that each keeps its own checked-in
/// migrations (<see cref="SqliteCsmsDbContext"/>, <see cref="PostgresCsmsDbContext"/>).
/// </summary>
public abstract class CsmsDbContext(DbContextOptions options) : DbContext(options)
{
    private readonly Dictionary<Type, IDisposable> _statements = [];
    private readonly List<(string IdToken, IdTokenEnumType Type)> _savedTokens = [];

    /// <summary>The id-token cache that saves of this context evict from; null for none.</summary>
    internal IdTokenCache? Tokens { get; set; }

    /// <summary>Told how many device-model rows a write read, per station (for tests of what a report part reads).</summary>
    internal Action<string, int>? DeviceVariablesLoaded { get; set; }

    public DbSet<StationRecord> Stations => Set<StationRecord>();

    public DbSet<ConnectionRecord> Connections => Set<ConnectionRecord>();

    public DbSet<DeviceVariableRecord> DeviceVariables => Set<DeviceVariableRecord>();

    public DbSet<DeviceVariableAttributeRecord> DeviceVariableAttributes => Set<DeviceVariableAttributeRecord>();

    public DbSet<ReportRecord> Reports => Set<ReportRecord>();

    public DbSet<ConnectorStatusRecord> ConnectorStatuses => Set<ConnectorStatusRecord>();

    public DbSet<IdTokenRecord> IdTokens => Set<IdTokenRecord>();

    public DbSet<TransactionRecord> Transactions => Set<TransactionRecord>();

    public DbSet<TransactionEventRecord> TransactionEvents => Set<TransactionEventRecord>();

    public DbSet<MeterValueRecord> MeterValues => Set<MeterValueRecord>();

    public DbSet<StationMessageRecord> StationMessages => Set<StationMessageRecord>();

    public DbSet<EventReportRecord> EventReports => Set<EventReportRecord>();

    public DbSet<EventRecord> Events => Set<EventRecord>();

    public DbSet<StationMessageLimitsRecord> StationMessageLimits => Set<StationMessageLimitsRecord>();

    /// <summary>The security-event log: what the CSMS saw (refused handshakes) and what stations reported.</summary>
    public DbSet<SecurityEventRecord> SecurityEvents => Set<SecurityEventRecord>();

    /// <summary>Each station's local authorization list: membership, version and sync state (block D).</summary>
    public DbSet<LocalListRecord> LocalLists => Set<LocalListRecord>();

    /// <summary>The entries each station's local list holds, as the CSMS last sent them.</summary>
    public DbSet<LocalListEntryRecord> LocalListEntries => Set<LocalListEntryRecord>();

    /// <summary>Tariffs (block I), their versions, assignments, and each transaction's cost.</summary>
    public DbSet<TariffRecord> Tariffs => Set<TariffRecord>();

    /// <summary>Every version of every tariff.</summary>
    public DbSet<TariffVersionRecord> TariffVersions => Set<TariffVersionRecord>();

    /// <summary>Where tariffs apply (token group, EVSE, station).</summary>
    public DbSet<TariffAssignmentRecord> TariffAssignments => Set<TariffAssignmentRecord>();

    /// <summary>Each transaction's cost breakdown.</summary>
    public DbSet<TransactionCostRecord> TransactionCosts => Set<TransactionCostRecord>();
    /// <summary>The reservations the CSMS made at stations, with how each stands (block H).</summary>
    public DbSet<ReservationRecord> Reservations => Set<ReservationRecord>();

    /// <summary>Meter values stored by earlier versions, one row per sampled value; read only.</summary>
    public DbSet<SampledValueRecord> SampledValues => Set<SampledValueRecord>();

    /// <summary>Block O: each station's display messages as it last reported them.</summary>
    public DbSet<DisplayMessageRecord> DisplayMessages => Set<DisplayMessageRecord>();

    /// <summary>Block K: the charging profiles each station holds, as it accepted or reported them.</summary>
    public DbSet<ChargingProfileRecord> ChargingProfiles => Set<ChargingProfileRecord>();

    /// <summary>Block K: the GetChargingProfiles reports (K09).</summary>
    public DbSet<ChargingProfileReportRecord> ChargingProfileReports => Set<ChargingProfileReportRecord>();

    /// <summary>Block K: the ReportChargingProfiles parts of each report.</summary>
    public DbSet<ChargingProfileReportPartRecord> ChargingProfileReportParts => Set<ChargingProfileReportPartRecord>();

    /// <summary>Block K: the external charging limits stations reported (K11-K13).</summary>
    public DbSet<ChargingLimitRecord> ChargingLimits => Set<ChargingLimitRecord>();

    /// <summary>Block K: EVs' charging needs (K15, K17).</summary>
    public DbSet<EvChargingNeedsRecord> EvChargingNeeds => Set<EvChargingNeedsRecord>();

    /// <summary>Block K: the schedules EVs chose (K15, K17).</summary>
    public DbSet<EvChargingScheduleRecord> EvChargingSchedules => Set<EvChargingScheduleRecord>();

    /// <summary>Block A: the certificates the CSMS issued to stations (A02/A03), with their revocation.</summary>
    public DbSet<IssuedCertificateRecord> IssuedCertificates => Set<IssuedCertificateRecord>();

    /// <summary>Block M: the certificates installed on each station as it last reported or accepted them (M03-M05).</summary>
    public DbSet<InstalledCertificateRecord> InstalledCertificates => Set<InstalledCertificateRecord>();

    /// <summary>Sites for load balancing (<see cref="Sites.SiteBalancer"/>).</summary>
    public DbSet<SiteRecord> Sites => Set<SiteRecord>();

    /// <summary>The stations and EVSEs of each site.</summary>
    public DbSet<SiteMemberRecord> SiteMembers => Set<SiteMemberRecord>();

    /// <summary>Each site's daily schedule of limits.</summary>
    public DbSet<SiteLimitPeriodRecord> SiteLimitPeriods => Set<SiteLimitPeriodRecord>();

    /// <summary>Each site's priorities per token group.</summary>
    public DbSet<SitePriorityRecord> SitePriorities => Set<SitePriorityRecord>();

    /// <summary>The allocations the balancer computed, kept when they changed.</summary>
    public DbSet<SiteAllocationRecord> SiteAllocations => Set<SiteAllocationRecord>();

    /// <summary>Block N: the CustomerInformation requests sent to stations (N09, N10), with their answers.</summary>
    public DbSet<CustomerInformationRecord> CustomerInformation => Set<CustomerInformationRecord>();

    /// <summary>The NotifyCustomerInformation parts of each request.</summary>
    public DbSet<CustomerInformationPartRecord> CustomerInformationParts => Set<CustomerInformationPartRecord>();

    /// <summary>Block N: the monitors each station holds, as it last reported or accepted them.</summary>
    public DbSet<MonitorRecord> Monitors => Set<MonitorRecord>();

    /// <summary>Block N: the monitoring reports (N02), assembled from their parts.</summary>
    public DbSet<MonitoringReportRecord> MonitoringReports => Set<MonitoringReportRecord>();

    /// <summary>Block N: alerts, open from their first event until the event that clears them (N07).</summary>
    public DbSet<AlertRecord> Alerts => Set<AlertRecord>();

    /// <summary>Webhooks operators registered for events.</summary>
    public DbSet<WebhookRecord> Webhooks => Set<WebhookRecord>();

    /// <summary>The durable outbox of webhook deliveries.</summary>
    public DbSet<WebhookDeliveryRecord> WebhookDeliveries => Set<WebhookDeliveryRecord>();

    /// <summary>Every attempt to deliver a webhook row.</summary>
    public DbSet<WebhookAttemptRecord> WebhookAttempts => Set<WebhookAttemptRecord>();
    /// <summary>The file service: files (firmware, logs, uploads).</summary>
    public DbSet<StoredFileRecord> Files => Set<StoredFileRecord>();

    /// <summary>The file service: single-use, expiring transfer tokens.</summary>
    public DbSet<FileTokenRecord> FileTokens => Set<FileTokenRecord>();

    /// <summary>N01: the GetLog requests sent.</summary>
    public DbSet<LogRequestRecord> LogRequests => Set<LogRequestRecord>();

    /// <summary>N01: every LogStatusNotification received.</summary>
    public DbSet<LogStatusRecord> LogStatuses => Set<LogStatusRecord>();

    /// <summary>L01: the firmware registered.</summary>
    public DbSet<FirmwareRecord> Firmware => Set<FirmwareRecord>();

    /// <summary>L01/L02: each UpdateFirmware to a station.</summary>
    public DbSet<FirmwareUpdateRecord> FirmwareUpdates => Set<FirmwareUpdateRecord>();

    /// <summary>L01: every FirmwareStatusNotification received.</summary>
    public DbSet<FirmwareStatusRecord> FirmwareStatuses => Set<FirmwareStatusRecord>();

    /// <summary>L01 over many stations: firmware campaigns.</summary>
    public DbSet<FirmwareCampaignRecord> FirmwareCampaigns => Set<FirmwareCampaignRecord>();

    /// <summary>Operator accounts of the console and the API.</summary>
    public DbSet<OperatorAccountRecord> OperatorAccounts => Set<OperatorAccountRecord>();

    /// <summary>The accounts' API keys (hashed).</summary>
    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    /// <summary>The audit log: every call an operator made to a station.</summary>
    public DbSet<AuditRecord> Audit => Set<AuditRecord>();

    /// <summary>The hand-built statements of <typeparamref name="T"/> on this context's connection, made on first use.</summary>
    internal EntityStatements<T> Statements<T>()
        where T : class
    {
        if (!_statements.TryGetValue(typeof(T), out var statements))
        {
            _statements[typeof(T)] = statements = new EntityStatements<T>(this);
        }

        return (EntityStatements<T>)statements;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var tokens = ChangedTokens();
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        Saved(tokens);
        return saved;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var tokens = ChangedTokens();
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
        Saved(tokens);
        return saved;
    }

    /// <summary>
    /// Evicts again the tokens saved since the last call: the writer calls it once its transaction is committed, so that
    /// a reader that read the old row between the save and the commit does not keep it.
    /// </summary>
    internal void OnCommitted()
    {
        if (_savedTokens.Count > 0)
        {
            Tokens?.Committed([.. _savedTokens]); // here and, in a cluster, on the other nodes
            _savedTokens.Clear();
        }
    }

    /// <summary>Evicts the saved tokens; a save outside a transaction is its own commit, else the commit evicts again.</summary>
    private void Saved(List<(string IdToken, IdTokenEnumType Type)> tokens)
    {
        if (tokens.Count == 0)
        {
            return;
        }

        if (Database.CurrentTransaction is null)
        {
            Tokens?.Committed(tokens);
            return;
        }

        Evict(tokens);
        _savedTokens.AddRange(tokens);
    }

    public override void Dispose()
    {
        DisposeStatements();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    public override ValueTask DisposeAsync()
    {
        DisposeStatements();
        GC.SuppressFinalize(this);
        return base.DisposeAsync();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        SiteModel.Build(modelBuilder);
        modelBuilder.Entity<StationRecord>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(48);
            e.Property(s => s.BootPolicy).HasMaxLength(16).HasConversion(StorageConverters.RegistrationStatus);
            e.Property(s => s.RegistrationStatus).HasMaxLength(16).HasConversion(StorageConverters.RegistrationStatus);
        });
        modelBuilder.Entity<ConnectionRecord>(e =>
        {
            e.HasIndex(c => new { c.StationId, c.ConnectedAt });
            e.Property(c => c.StationId).HasMaxLength(48);
            e.Property(c => c.NodeName).HasMaxLength(200);

            // The open connections (a cluster's presence, a dead node's leftovers): few rows, whatever the history holds.
            e.HasIndex(c => c.NodeName).HasFilter("\"DisconnectedAt\" IS NULL").HasDatabaseName("IX_Connections_Open");
        });
        modelBuilder.Entity<DeviceVariableRecord>(e =>
        {
            e.HasIndex(v => new { v.StationId, v.ComponentName, v.ComponentInstance, v.EvseId, v.ConnectorId, v.VariableName, v.VariableInstance }).IsUnique();
            e.HasMany(v => v.Attributes).WithOne().HasForeignKey(a => a.VariableId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<DeviceVariableAttributeRecord>(e => e.HasIndex(a => new { a.VariableId, a.Type }).IsUnique());
        modelBuilder.Entity<ReportRecord>(e => e.HasIndex(r => new { r.StationId, r.RequestId }));
        modelBuilder.Entity<ConnectorStatusRecord>(e =>
        {
            e.HasIndex(s => new { s.StationId, s.EvseId, s.ConnectorId, s.Current });
            e.HasIndex(s => new { s.StationId, s.Timestamp });
        });
        modelBuilder.Entity<IdTokenRecord>(e =>
        {
            e.HasIndex(t => new { t.IdToken, t.Type }).IsUnique();
            e.Property(t => t.Type).HasConversion(StorageConverters.IdTokenType);
            e.Property(t => t.Status).HasConversion(StorageConverters.AuthorizationStatus);
            e.Property(t => t.GroupIdTokenType).HasConversion(StorageConverters.IdTokenType);
        });
        modelBuilder.Entity<TransactionRecord>(e =>
        {
            e.HasIndex(t => new { t.StationId, t.TransactionId }).IsUnique();
            e.HasIndex(t => new { t.IdToken, t.State });
            e.HasIndex(t => new { t.State, t.StartedAt });
            e.Property(t => t.TransactionId).HasMaxLength(36);
        });
        modelBuilder.Entity<TransactionEventRecord>(e =>
        {
            e.HasIndex(t => new { t.TransactionRecordId, t.SeqNo }).IsUnique();
            e.HasOne(t => t.Transaction).WithMany().HasForeignKey(t => t.TransactionRecordId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<MeterValueRecord>(e =>
        {
            e.HasIndex(m => new { m.StationId, m.ReceivedAt });
            e.Property(m => m.StationId).HasMaxLength(48);
        });
        modelBuilder.Entity<StationMessageRecord>(e =>
        {
            e.HasIndex(m => new { m.StationId, m.Action, m.Id });
            e.Property(m => m.StationId).HasMaxLength(48);
            e.Property(m => m.Action).HasMaxLength(64);
            e.Property(m => m.MessageId).HasMaxLength(36);
        });
        modelBuilder.Entity<EventReportRecord>(e =>
        {
            e.HasIndex(r => new { r.StationId, r.GeneratedAt });
            e.Property(r => r.StationId).HasMaxLength(48);
        });
        modelBuilder.Entity<EventRecord>(e =>
        {
            e.HasIndex(v => new { v.StationId, v.Id });
            e.HasIndex(v => new { v.StationId, v.ComponentName, v.VariableName, v.Id });
            e.HasOne<EventReportRecord>().WithMany().HasForeignKey(v => v.EventReportId).OnDelete(DeleteBehavior.Cascade);
            e.Property(v => v.StationId).HasMaxLength(48);
            e.Property(v => v.Trigger).HasMaxLength(16);
            e.Property(v => v.EventNotificationType).HasMaxLength(32);
            e.Property(v => v.ActualValue).HasMaxLength(2500);
            e.Property(v => v.TechCode).HasMaxLength(50);
            e.Property(v => v.TechInfo).HasMaxLength(500);
            e.Property(v => v.TransactionId).HasMaxLength(36);
            e.Property(v => v.ComponentName).HasMaxLength(50);
            e.Property(v => v.ComponentInstance).HasMaxLength(50);
            e.Property(v => v.VariableName).HasMaxLength(50);
            e.Property(v => v.VariableInstance).HasMaxLength(50);
        });
        modelBuilder.Entity<StationMessageLimitsRecord>(e =>
        {
            e.HasKey(l => l.StationId);
            e.Property(l => l.StationId).HasMaxLength(48);
        });
        modelBuilder.Entity<SecurityEventRecord>(e =>
        {
            e.HasIndex(s => s.Timestamp);
            e.HasIndex(s => new { s.StationId, s.Timestamp });
            e.Property(s => s.Source).HasMaxLength(16);
            e.Property(s => s.Type).HasMaxLength(50);
            e.Property(s => s.StationId).HasMaxLength(48);
            e.Property(s => s.RemoteAddress).HasMaxLength(64);
            e.Property(s => s.TechInfo).HasMaxLength(255);
        });
        modelBuilder.Entity<LocalListRecord>(e =>
        {
            e.HasKey(l => l.StationId);
            e.Property(l => l.StationId).HasMaxLength(48);
            e.Property(l => l.State).HasMaxLength(16).HasConversion<string>();
            e.Property(l => l.Reason).HasMaxLength(512);
            e.HasIndex(l => l.State);
        });
        modelBuilder.Entity<LocalListEntryRecord>(e =>
        {
            e.HasIndex(l => new { l.StationId, l.IdToken, l.Type }).IsUnique();
            e.Property(l => l.StationId).HasMaxLength(48);
            e.Property(l => l.IdToken).HasMaxLength(36);
            e.Property(l => l.Type).HasMaxLength(16);
        });
        modelBuilder.Entity<TariffVersionRecord>(e => e.HasIndex(v => new { v.TariffId, v.Version }).IsUnique());
        modelBuilder.Entity<TariffAssignmentRecord>(e =>
        {
            e.HasIndex(a => a.GroupIdToken);
            e.HasIndex(a => new { a.StationId, a.EvseId });
            e.Property(a => a.StationId).HasMaxLength(48);
            e.Property(a => a.GroupIdToken).HasMaxLength(36);
        });
        modelBuilder.Entity<TransactionCostRecord>(e =>
        {
            e.HasKey(c => c.TransactionRecordId);
            e.Property(c => c.Currency).HasMaxLength(3);
            e.HasIndex(c => new { c.StationId, c.TransactionId });
        });
        modelBuilder.Entity<ReservationRecord>(e =>
        {
            e.HasIndex(r => new { r.StationId, r.State });
            e.HasIndex(r => r.IdToken);
            e.Property(r => r.StationId).HasMaxLength(48);
            e.Property(r => r.ConnectorType).HasMaxLength(20);
            e.Property(r => r.IdToken).HasMaxLength(36);
            e.Property(r => r.IdTokenType).HasMaxLength(16);
            e.Property(r => r.GroupIdToken).HasMaxLength(36);
            e.Property(r => r.GroupIdTokenType).HasMaxLength(16);
            e.Property(r => r.State).HasMaxLength(16).HasConversion<string>();
            e.Property(r => r.StationStatus).HasMaxLength(16);
            e.Property(r => r.CancelStatus).HasMaxLength(16);
            e.Property(r => r.TransactionId).HasMaxLength(36);
        });
        modelBuilder.Entity<SampledValueRecord>(e =>
        {
            e.HasIndex(v => new { v.StationId, v.TransactionId });
            e.HasOne(v => v.Event).WithMany().HasForeignKey(v => v.TransactionEventId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<DisplayMessageRecord>(e =>
        {
            e.HasIndex(m => new { m.StationId, m.MessageId }).IsUnique();
            e.Property(m => m.StationId).HasMaxLength(48);
            e.Property(m => m.Priority).HasMaxLength(16);
            e.Property(m => m.State).HasMaxLength(16);
            e.Property(m => m.Language).HasMaxLength(8);
            e.Property(m => m.TransactionId).HasMaxLength(36);
            e.Property(m => m.Source).HasMaxLength(8);
        });
        SmartChargingModel.Configure(modelBuilder);
        CertificatesModel.Configure(modelBuilder);
        CustomerInformationModel.Configure(modelBuilder);
        MonitoringModel.Configure(modelBuilder);
        FilesModel.Configure(modelBuilder);
        AccountsModel.Configure(modelBuilder);
    }

    private List<(string IdToken, IdTokenEnumType Type)> ChangedTokens()
    {
        var tokens = new List<(string, IdTokenEnumType)>();
        if (Tokens is null)
        {
            return tokens;
        }

        foreach (var entry in ChangeTracker.Entries<IdTokenRecord>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                tokens.Add((entry.Entity.IdToken, entry.Entity.Type));
                tokens.Add((entry.OriginalValues.GetValue<string>(nameof(IdTokenRecord.IdToken)), entry.OriginalValues.GetValue<IdTokenEnumType>(nameof(IdTokenRecord.Type))));
            }
        }

        return tokens;
    }

    private void Evict(List<(string IdToken, IdTokenEnumType Type)> tokens)
    {
        foreach (var (idToken, type) in tokens)
        {
            Tokens?.Invalidate(idToken, type);
        }
    }

    private void DisposeStatements()
    {
        foreach (var statements in _statements.Values)
        {
            statements.Dispose();
        }

        _statements.Clear();
    }
}
