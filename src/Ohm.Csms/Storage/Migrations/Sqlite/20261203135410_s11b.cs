using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class s11b : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            migrationBuilder.CreateIndex(
                name: "IX_InstalledCertificates_StationId_CertificateType",
                table: "InstalledCertificates",
                columns: new[] { "StationId", "CertificateType" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InstalledCertificates");
        }
    }
}
