using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Security : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PreviousPasswordHash",
                table: "Stations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Critical",
                table: "SecurityEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "InstalledCertificates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    CertificateType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    HashAlgorithm = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    IssuerNameHash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    IssuerKeyHash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ChildHashDataJson = table.Column<string>(type: "TEXT", nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    NotAfter = table.Column<long>(type: "INTEGER", nullable: true),
                    Pem = table.Column<string>(type: "TEXT", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstalledCertificates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IssuedCertificates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    CertificateType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Issuer = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    NotBefore = table.Column<long>(type: "INTEGER", nullable: false),
                    NotAfter = table.Column<long>(type: "INTEGER", nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Pem = table.Column<string>(type: "TEXT", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SignedResult = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevocationReason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IssuedCertificates", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InstalledCertificates_StationId_CertificateType",
                table: "InstalledCertificates",
                columns: new[] { "StationId", "CertificateType" });

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_Fingerprint",
                table: "IssuedCertificates",
                column: "Fingerprint");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_NotAfter",
                table: "IssuedCertificates",
                column: "NotAfter");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_SerialNumber",
                table: "IssuedCertificates",
                column: "SerialNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_StationId_IssuedAt",
                table: "IssuedCertificates",
                columns: new[] { "StationId", "IssuedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InstalledCertificates");

            migrationBuilder.DropTable(
                name: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "PreviousPasswordHash",
                table: "Stations");

            migrationBuilder.DropColumn(
                name: "Critical",
                table: "SecurityEvents");
        }
    }
}
