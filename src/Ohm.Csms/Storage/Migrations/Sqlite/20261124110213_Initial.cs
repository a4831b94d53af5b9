using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Connections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    ConnectedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DisconnectedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RemoteAddress = table.Column<string>(type: "TEXT", nullable: true),
                    SecurityProfile = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Connections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ConnectorStatuses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: false),
                    ConnectorId = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Current = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConnectorStatuses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeviceVariables",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", nullable: false),
                    ComponentName = table.Column<string>(type: "TEXT", nullable: false),
                    ComponentInstance = table.Column<string>(type: "TEXT", nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: false),
                    ConnectorId = table.Column<int>(type: "INTEGER", nullable: false),
                    VariableName = table.Column<string>(type: "TEXT", nullable: false),
                    VariableInstance = table.Column<string>(type: "TEXT", nullable: false),
                    DataType = table.Column<string>(type: "TEXT", nullable: true),
                    Unit = table.Column<string>(type: "TEXT", nullable: true),
                    MinLimit = table.Column<decimal>(type: "TEXT", nullable: true),
                    MaxLimit = table.Column<decimal>(type: "TEXT", nullable: true),
                    ValuesList = table.Column<string>(type: "TEXT", nullable: true),
                    SupportsMonitoring = table.Column<bool>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceVariables", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IdTokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IdToken = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    GroupIdToken = table.Column<string>(type: "TEXT", nullable: true),
                    GroupIdTokenType = table.Column<string>(type: "TEXT", nullable: true),
                    Language = table.Column<string>(type: "TEXT", nullable: true),
                    PersonalMessage = table.Column<string>(type: "TEXT", nullable: true),
                    AllowedEvses = table.Column<string>(type: "TEXT", nullable: true),
                    AllowConcurrentTx = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdTokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Reports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", nullable: false),
                    RequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    PartsReceived = table.Column<int>(type: "INTEGER", nullable: false),
                    LastSeqNo = table.Column<int>(type: "INTEGER", nullable: false),
                    VariablesReported = table.Column<int>(type: "INTEGER", nullable: false),
                    Complete = table.Column<bool>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Stations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    SecurityProfile = table.Column<int>(type: "INTEGER", nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", nullable: true),
                    BootPolicy = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RegistrationStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    VendorName = table.Column<string>(type: "TEXT", nullable: true),
                    Model = table.Column<string>(type: "TEXT", nullable: true),
                    SerialNumber = table.Column<string>(type: "TEXT", nullable: true),
                    FirmwareVersion = table.Column<string>(type: "TEXT", nullable: true),
                    ModemIccid = table.Column<string>(type: "TEXT", nullable: true),
                    ModemImsi = table.Column<string>(type: "TEXT", nullable: true),
                    LastBootReason = table.Column<string>(type: "TEXT", nullable: true),
                    LastBootAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AutoRegistered = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Stations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Transactions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: true),
                    ConnectorId = table.Column<int>(type: "INTEGER", nullable: true),
                    IdToken = table.Column<string>(type: "TEXT", nullable: true),
                    IdTokenType = table.Column<string>(type: "TEXT", nullable: true),
                    AuthorizationStatus = table.Column<string>(type: "TEXT", nullable: true),
                    State = table.Column<string>(type: "TEXT", nullable: false),
                    ChargingState = table.Column<string>(type: "TEXT", nullable: true),
                    StoppedReason = table.Column<string>(type: "TEXT", nullable: true),
                    RemoteStartId = table.Column<int>(type: "INTEGER", nullable: true),
                    ReservationId = table.Column<int>(type: "INTEGER", nullable: true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StartedReceived = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastSeqNo = table.Column<int>(type: "INTEGER", nullable: false),
                    EventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    EndedSeqNo = table.Column<int>(type: "INTEGER", nullable: true),
                    MeterStartWh = table.Column<decimal>(type: "TEXT", nullable: true),
                    MeterStartAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MeterLastWh = table.Column<decimal>(type: "TEXT", nullable: true),
                    MeterLastAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Transactions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeviceVariableAttributes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    VariableId = table.Column<long>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: true),
                    Mutability = table.Column<string>(type: "TEXT", nullable: true),
                    Persistent = table.Column<bool>(type: "INTEGER", nullable: true),
                    Constant = table.Column<bool>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceVariableAttributes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeviceVariableAttributes_DeviceVariables_VariableId",
                        column: x => x.VariableId,
                        principalTable: "DeviceVariables",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TransactionEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TransactionRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    StationId = table.Column<string>(type: "TEXT", nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", nullable: false),
                    SeqNo = table.Column<int>(type: "INTEGER", nullable: false),
                    EventType = table.Column<string>(type: "TEXT", nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    TriggerReason = table.Column<string>(type: "TEXT", nullable: false),
                    Offline = table.Column<bool>(type: "INTEGER", nullable: false),
                    NumberOfPhasesUsed = table.Column<int>(type: "INTEGER", nullable: true),
                    CableMaxCurrent = table.Column<decimal>(type: "TEXT", nullable: true),
                    ReservationId = table.Column<int>(type: "INTEGER", nullable: true),
                    ChargingState = table.Column<string>(type: "TEXT", nullable: true),
                    StoppedReason = table.Column<string>(type: "TEXT", nullable: true),
                    RemoteStartId = table.Column<int>(type: "INTEGER", nullable: true),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: true),
                    ConnectorId = table.Column<int>(type: "INTEGER", nullable: true),
                    IdToken = table.Column<string>(type: "TEXT", nullable: true),
                    IdTokenType = table.Column<string>(type: "TEXT", nullable: true),
                    Late = table.Column<bool>(type: "INTEGER", nullable: false),
                    OutOfOrder = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TransactionEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TransactionEvents_Transactions_TransactionRecordId",
                        column: x => x.TransactionRecordId,
                        principalTable: "Transactions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SampledValues",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", nullable: true),
                    TransactionEventId = table.Column<long>(type: "INTEGER", nullable: true),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    Value = table.Column<decimal>(type: "TEXT", nullable: false),
                    Measurand = table.Column<string>(type: "TEXT", nullable: false),
                    Phase = table.Column<string>(type: "TEXT", nullable: true),
                    Location = table.Column<string>(type: "TEXT", nullable: true),
                    Context = table.Column<string>(type: "TEXT", nullable: true),
                    Unit = table.Column<string>(type: "TEXT", nullable: true),
                    Multiplier = table.Column<int>(type: "INTEGER", nullable: true),
                    SignedMeterData = table.Column<string>(type: "TEXT", nullable: true),
                    SigningMethod = table.Column<string>(type: "TEXT", nullable: true),
                    EncodingMethod = table.Column<string>(type: "TEXT", nullable: true),
                    PublicKey = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SampledValues", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SampledValues_TransactionEvents_TransactionEventId",
                        column: x => x.TransactionEventId,
                        principalTable: "TransactionEvents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Connections_StationId_ConnectedAt",
                table: "Connections",
                columns: new[] { "StationId", "ConnectedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ConnectorStatuses_StationId_EvseId_ConnectorId_Current",
                table: "ConnectorStatuses",
                columns: new[] { "StationId", "EvseId", "ConnectorId", "Current" });

            migrationBuilder.CreateIndex(
                name: "IX_ConnectorStatuses_StationId_Timestamp",
                table: "ConnectorStatuses",
                columns: new[] { "StationId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_DeviceVariableAttributes_VariableId_Type",
                table: "DeviceVariableAttributes",
                columns: new[] { "VariableId", "Type" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeviceVariables_StationId_ComponentName_ComponentInstance_EvseId_ConnectorId_VariableName_VariableInstance",
                table: "DeviceVariables",
                columns: new[] { "StationId", "ComponentName", "ComponentInstance", "EvseId", "ConnectorId", "VariableName", "VariableInstance" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IdTokens_IdToken_Type",
                table: "IdTokens",
                columns: new[] { "IdToken", "Type" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Reports_StationId_RequestId",
                table: "Reports",
                columns: new[] { "StationId", "RequestId" });

            migrationBuilder.CreateIndex(
                name: "IX_SampledValues_StationId_TransactionId",
                table: "SampledValues",
                columns: new[] { "StationId", "TransactionId" });

            migrationBuilder.CreateIndex(
                name: "IX_SampledValues_TransactionEventId",
                table: "SampledValues",
                column: "TransactionEventId");

            migrationBuilder.CreateIndex(
                name: "IX_TransactionEvents_TransactionRecordId_SeqNo",
                table: "TransactionEvents",
                columns: new[] { "TransactionRecordId", "SeqNo" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_IdToken_State",
                table: "Transactions",
                columns: new[] { "IdToken", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_State_StartedAt",
                table: "Transactions",
                columns: new[] { "State", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_StationId_TransactionId",
                table: "Transactions",
                columns: new[] { "StationId", "TransactionId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Connections");

            migrationBuilder.DropTable(
                name: "ConnectorStatuses");

            migrationBuilder.DropTable(
                name: "DeviceVariableAttributes");

            migrationBuilder.DropTable(
                name: "IdTokens");

            migrationBuilder.DropTable(
                name: "Reports");

            migrationBuilder.DropTable(
                name: "SampledValues");

            migrationBuilder.DropTable(
                name: "Stations");

            migrationBuilder.DropTable(
                name: "DeviceVariables");

            migrationBuilder.DropTable(
                name: "TransactionEvents");

            migrationBuilder.DropTable(
                name: "Transactions");
        }
    }
}
