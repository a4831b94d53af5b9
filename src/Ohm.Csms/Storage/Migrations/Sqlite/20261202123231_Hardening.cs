using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Hardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "StatusCheckError",
                table: "Transactions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "StatusCheckedAt",
                table: "Transactions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "StatusMessagesInQueue",
                table: "Transactions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "StatusOngoing",
                table: "Transactions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EventReports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    GeneratedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PartsReceived = table.Column<int>(type: "INTEGER", nullable: false),
                    LastSeqNo = table.Column<int>(type: "INTEGER", nullable: false),
                    EventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Complete = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventReports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SecurityEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: true),
                    RemoteAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TechInfo = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    LastAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SecurityEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StationMessageLimits",
                columns: table => new
                {
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    GetVariablesItemsPerMessage = table.Column<int>(type: "INTEGER", nullable: true),
                    GetVariablesBytesPerMessage = table.Column<int>(type: "INTEGER", nullable: true),
                    SetVariablesItemsPerMessage = table.Column<int>(type: "INTEGER", nullable: true),
                    SetVariablesBytesPerMessage = table.Column<int>(type: "INTEGER", nullable: true),
                    ReadFromStationAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StationMessageLimits", x => x.StationId);
                });

            migrationBuilder.CreateTable(
                name: "StationMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StationMessages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    EventReportId = table.Column<long>(type: "INTEGER", nullable: false),
                    EventId = table.Column<int>(type: "INTEGER", nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Cause = table.Column<int>(type: "INTEGER", nullable: true),
                    ActualValue = table.Column<string>(type: "TEXT", maxLength: 2500, nullable: false),
                    TechCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    TechInfo = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Cleared = table.Column<bool>(type: "INTEGER", nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    VariableMonitoringId = table.Column<int>(type: "INTEGER", nullable: true),
                    EventNotificationType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ComponentName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ComponentInstance = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: true),
                    ConnectorId = table.Column<int>(type: "INTEGER", nullable: true),
                    VariableName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    VariableInstance = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Events_EventReports_EventReportId",
                        column: x => x.EventReportId,
                        principalTable: "EventReports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EventReports_StationId_GeneratedAt",
                table: "EventReports",
                columns: new[] { "StationId", "GeneratedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_EventReportId",
                table: "Events",
                column: "EventReportId");

            migrationBuilder.CreateIndex(
                name: "IX_Events_StationId_ComponentName_VariableName_Id",
                table: "Events",
                columns: new[] { "StationId", "ComponentName", "VariableName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_StationId_Id",
                table: "Events",
                columns: new[] { "StationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SecurityEvents_StationId_Timestamp",
                table: "SecurityEvents",
                columns: new[] { "StationId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_SecurityEvents_Timestamp",
                table: "SecurityEvents",
                column: "Timestamp");

            migrationBuilder.CreateIndex(
                name: "IX_StationMessages_StationId_Action_Id",
                table: "StationMessages",
                columns: new[] { "StationId", "Action", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Events");

            migrationBuilder.DropTable(
                name: "SecurityEvents");

            migrationBuilder.DropTable(
                name: "StationMessageLimits");

            migrationBuilder.DropTable(
                name: "StationMessages");

            migrationBuilder.DropTable(
                name: "EventReports");

            migrationBuilder.DropColumn(
                name: "StatusCheckError",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "StatusCheckedAt",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "StatusMessagesInQueue",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "StatusOngoing",
                table: "Transactions");
        }
    }
}
