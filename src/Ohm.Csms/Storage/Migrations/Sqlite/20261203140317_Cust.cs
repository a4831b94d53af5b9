using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Cust : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CustomerInformation",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    RequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    Report = table.Column<bool>(type: "INTEGER", nullable: false),
                    Clear = table.Column<bool>(type: "INTEGER", nullable: false),
                    IdToken = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    IdTokenType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    CustomerIdentifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CustomerCertificate = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    StatusReason = table.Column<string>(type: "TEXT", maxLength: 600, nullable: true),
                    ErasedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ErasedIdTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    ErasedTransactions = table.Column<int>(type: "INTEGER", nullable: false),
                    ErasedTransactionEvents = table.Column<int>(type: "INTEGER", nullable: false),
                    ErasedReservations = table.Column<int>(type: "INTEGER", nullable: false),
                    ErasedLocalListMemberships = table.Column<int>(type: "INTEGER", nullable: false),
                    ErasedSecurityEvents = table.Column<int>(type: "INTEGER", nullable: false),
                    ErasedStationMessages = table.Column<int>(type: "INTEGER", nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PartsReceived = table.Column<int>(type: "INTEGER", nullable: false),
                    Complete = table.Column<bool>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerInformation", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CustomerInformationParts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerInformationId = table.Column<long>(type: "INTEGER", nullable: false),
                    SeqNo = table.Column<int>(type: "INTEGER", nullable: false),
                    Tbc = table.Column<bool>(type: "INTEGER", nullable: false),
                    Data = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    GeneratedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerInformationParts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CustomerInformationParts_CustomerInformation_CustomerInformationId",
                        column: x => x.CustomerInformationId,
                        principalTable: "CustomerInformation",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerInformation_IdToken",
                table: "CustomerInformation",
                column: "IdToken");

            migrationBuilder.CreateIndex(
                name: "IX_CustomerInformation_StationId_RequestId",
                table: "CustomerInformation",
                columns: new[] { "StationId", "RequestId" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerInformationParts_CustomerInformationId_SeqNo",
                table: "CustomerInformationParts",
                columns: new[] { "CustomerInformationId", "SeqNo" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CustomerInformationParts");

            migrationBuilder.DropTable(
                name: "CustomerInformation");
        }
    }
}
