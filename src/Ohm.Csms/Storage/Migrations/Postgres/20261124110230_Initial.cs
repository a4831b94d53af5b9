using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    ConnectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DisconnectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RemoteAddress = table.Column<string>(type: "text", nullable: true),
                    SecurityProfile = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Connections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ConnectorStatuses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "text", nullable: false),
                    EvseId = table.Column<int>(type: "integer", nullable: false),
                    ConnectorId = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    Timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Current = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConnectorStatuses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeviceVariables",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "text", nullable: false),
                    ComponentName = table.Column<string>(type: "text", nullable: false),
                    ComponentInstance = table.Column<string>(type: "text", nullable: false),
                    EvseId = table.Column<int>(type: "integer", nullable: false),
                    ConnectorId = table.Column<int>(type: "integer", nullable: false),
                    VariableName = table.Column<string>(type: "text", nullable: false),
                    VariableInstance = table.Column<string>(type: "text", nullable: false),
                    DataType = table.Column<string>(type: "text", nullable: true),
                    Unit = table.Column<string>(type: "text", nullable: true),
                    MinLimit = table.Column<decimal>(type: "numeric", nullable: true),
                    MaxLimit = table.Column<decimal>(type: "numeric", nullable: true),
                    ValuesList = table.Column<string>(type: "text", nullable: true),
                    SupportsMonitoring = table.Column<bool>(type: "boolean", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceVariables", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IdTokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IdToken = table.Column<string>(type: "text", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    GroupIdToken = table.Column<string>(type: "text", nullable: true),
                    GroupIdTokenType = table.Column<string>(type: "text", nullable: true),
                    Language = table.Column<string>(type: "text", nullable: true),
                    PersonalMessage = table.Column<string>(type: "text", nullable: true),
                    AllowedEvses = table.Column<string>(type: "text", nullable: true),
                    AllowConcurrentTx = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdTokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Reports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "text", nullable: false),
                    RequestId = table.Column<int>(type: "integer", nullable: false),
                    PartsReceived = table.Column<int>(type: "integer", nullable: false),
                    LastSeqNo = table.Column<int>(type: "integer", nullable: false),
                    VariablesReported = table.Column<int>(type: "integer", nullable: false),
                    Complete = table.Column<bool>(type: "boolean", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Stations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    SecurityProfile = table.Column<int>(type: "integer", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    BootPolicy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RegistrationStatus = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    VendorName = table.Column<string>(type: "text", nullable: true),
                    Model = table.Column<string>(type: "text", nullable: true),
                    SerialNumber = table.Column<string>(type: "text", nullable: true),
                    FirmwareVersion = table.Column<string>(type: "text", nullable: true),
                    ModemIccid = table.Column<string>(type: "text", nullable: true),
                    ModemImsi = table.Column<string>(type: "text", nullable: true),
                    LastBootReason = table.Column<string>(type: "text", nullable: true),
                    LastBootAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AutoRegistered = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Stations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Transactions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "text", nullable: false),
                    TransactionId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    EvseId = table.Column<int>(type: "integer", nullable: true),
                    ConnectorId = table.Column<int>(type: "integer", nullable: true),
                    IdToken = table.Column<string>(type: "text", nullable: true),
                    IdTokenType = table.Column<string>(type: "text", nullable: true),
                    AuthorizationStatus = table.Column<string>(type: "text", nullable: true),
                    State = table.Column<string>(type: "text", nullable: false),
                    ChargingState = table.Column<string>(type: "text", nullable: true),
                    StoppedReason = table.Column<string>(type: "text", nullable: true),
                    RemoteStartId = table.Column<int>(type: "integer", nullable: true),
                    ReservationId = table.Column<int>(type: "integer", nullable: true),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    StartedReceived = table.Column<bool>(type: "boolean", nullable: false),
                    LastSeqNo = table.Column<int>(type: "integer", nullable: false),
                    EventCount = table.Column<int>(type: "integer", nullable: false),
                    EndedSeqNo = table.Column<int>(type: "integer", nullable: true),
                    MeterStartWh = table.Column<decimal>(type: "numeric", nullable: true),
                    MeterStartAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MeterLastWh = table.Column<decimal>(type: "numeric", nullable: true),
                    MeterLastAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Transactions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeviceVariableAttributes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    VariableId = table.Column<long>(type: "bigint", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: true),
                    Mutability = table.Column<string>(type: "text", nullable: true),
                    Persistent = table.Column<bool>(type: "boolean", nullable: true),
                    Constant = table.Column<bool>(type: "boolean", nullable: true)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TransactionRecordId = table.Column<long>(type: "bigint", nullable: false),
                    StationId = table.Column<string>(type: "text", nullable: false),
                    TransactionId = table.Column<string>(type: "text", nullable: false),
                    SeqNo = table.Column<int>(type: "integer", nullable: false),
                    EventType = table.Column<string>(type: "text", nullable: false),
                    Timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    TriggerReason = table.Column<string>(type: "text", nullable: false),
                    Offline = table.Column<bool>(type: "boolean", nullable: false),
                    NumberOfPhasesUsed = table.Column<int>(type: "integer", nullable: true),
                    CableMaxCurrent = table.Column<decimal>(type: "numeric", nullable: true),
                    ReservationId = table.Column<int>(type: "integer", nullable: true),
                    ChargingState = table.Column<string>(type: "text", nullable: true),
                    StoppedReason = table.Column<string>(type: "text", nullable: true),
                    RemoteStartId = table.Column<int>(type: "integer", nullable: true),
                    EvseId = table.Column<int>(type: "integer", nullable: true),
                    ConnectorId = table.Column<int>(type: "integer", nullable: true),
                    IdToken = table.Column<string>(type: "text", nullable: true),
                    IdTokenType = table.Column<string>(type: "text", nullable: true),
                    Late = table.Column<bool>(type: "boolean", nullable: false),
                    OutOfOrder = table.Column<bool>(type: "boolean", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "text", nullable: false),
                    EvseId = table.Column<int>(type: "integer", nullable: false),
                    TransactionId = table.Column<string>(type: "text", nullable: true),
                    TransactionEventId = table.Column<long>(type: "bigint", nullable: true),
                    Timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Value = table.Column<decimal>(type: "numeric", nullable: false),
                    Measurand = table.Column<string>(type: "text", nullable: false),
                    Phase = table.Column<string>(type: "text", nullable: true),
                    Location = table.Column<string>(type: "text", nullable: true),
                    Context = table.Column<string>(type: "text", nullable: true),
                    Unit = table.Column<string>(type: "text", nullable: true),
                    Multiplier = table.Column<int>(type: "integer", nullable: true),
                    SignedMeterData = table.Column<string>(type: "text", nullable: true),
                    SigningMethod = table.Column<string>(type: "text", nullable: true),
                    EncodingMethod = table.Column<string>(type: "text", nullable: true),
                    PublicKey = table.Column<string>(type: "text", nullable: true)
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
                name: "IX_DeviceVariables_StationId_ComponentName_ComponentInstance_E~",
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
