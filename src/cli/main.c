/* certdesk: the counter program. No subcommand opens the full-screen program. */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "ui/ui.h"

static const struct subcommand subcommands[] = {
	{ "init", cmd_init,
	  "init --office CODE --office-name NAME --terminal NAME --admin USER [--admin-name NAME]",
	  "首次设置（无界面）：创建受理点、本终端和第一个管理员；密码从标准输入第一行读取" },
	{ "staff", cmd_staff, "staff list | add USER NAME ROLE | disable|enable|unlock USER | reset-password USER | passwd",
	  "员工账户管理（需 --user；密码从 CERTDESK_PASSWORD 或终端提示读取）" },
	{ "audit", cmd_audit,
	  "audit verify | audit list [--user U] [--record NUMBER] [--from D --to D] [--limit N] | audit retention [--office CODE|all]",
	  "审计日志：检查哈希链；按员工、记录、日期列出；列出可归档的记录（从不删除）" },
	{ "application", cmd_application,
	  "application show|submit|agree|accept|cancel|return|paper|attach|export|make|ship|collect|authorise NUMBER ... | application make NUMBER SERIAL [--key KEY_SERIAL] | application export NUMBER DOCTYPE [-o FILE]",
	  "申请单：查看、提交、记录协议书已签、受理、取消、退回、纸质件、添加扫描件；制证（可同时从库存发放 KEY）、寄出、领取（审核员）" },
	{ "order", cmd_order, "order place|show|transfer|slip|verify|reject|online|invoice|export-invoice|cancel ...",
	  "订单与缴费：下单（邮寄须给出邮政编码）、登记转账或在线支付、补传底单、核款、上传和导出电子发票、取消" },
	{ "key", cmd_key, "key list | key read [--reader NAME] [--wait S] | key bind PHONE [--reader NAME] | key renew PHONE [--reader NAME] [--slot auth|sign] [--years N]",
	  "读取 USB KEY 中的证书；验证 PIN（从标准输入读取）后把证书绑定到申请人；从 KEY 发起续费" },
	{ "import", cmd_import, "import applicants|applications FILE.csv [--partial] | import --help",
	  "导入申请人或申请单（UTF-8 CSV）；任何一行有误则全部不导入，--partial 只导入正确的行" },
	{ "export", cmd_export,
	  "export applicants | applications [--status S] [--from DATE --to DATE]",
	  "导出为 CSV（UTF-8 带 BOM，Excel 可直接打开）到标准输出" },
	{ "print", cmd_print,
	  "print application NUMBER...|--from FILE | receipt ORDER | payment ORDER|PAYMENT | pickup NUMBER|ORDER [-o FILE.pdf] [--printer NAME]",
	  "打印申请表和协议书（多份合成一个 PDF）、订单回执、收款凭证、领取单；不指定 -o 时保存到数据目录的 print/ 下" },
	{ "logout", cmd_logout, "logout",
	  "结束本用户的命令行会话：此后的子命令须重新输入密码" },
	{ "price", cmd_price, "price list | price set KIND SUBJECT YEARS YUAN [--inactive]",
	  "查看或修改价目表（修改需管理员）" },
	{ "report", cmd_report,
	  "report day|stats [--date YYYY-MM-DD] | report month [--month YYYY-MM] [--office CODE|all] [--csv]",
	  "日结报表；月度或当日统计：收件、受理、退回（按原因）、制证、领取、受理用时、收款" },
	{ "sync", cmd_sync,
	  "sync [--status | --conflicts | --enroll URL CODE [--force] | --resolve OP_ID discard|reapply|merge]",
	  "与中心同步一次（无需登录，推送员工已办理的操作）；登记终端需管理员 --user，处理冲突需 --user" },
	{ "lifecycle", cmd_lifecycle,
	  "lifecycle run | lifecycle expiring [--days N | --expired] [--office CODE|all] [--contacted yes|no] | lifecycle contact SERIAL --note TEXT | lifecycle remind SERIAL",
	  "证书生命周期：列出将到期和已过期的证书；记录联系、发送到期提醒短信；注销过期超过 90 天的证书（可重复运行）" },
	{ "crl", cmd_crl, "crl update [FILE|--url URL] | crl check SERIAL | crl status",
	  "证书吊销列表：导入并验签，标记已吊销的证书，查询某证书是否已吊销（导入和查询需 --user，"
	  "查看状态不需要）" },
	{ "stock", cmd_stock,
	  "stock list [--state S] [--serial PREFIX] [--limit N] | stock receive SERIAL|FIRST..LAST... [--file FILE] [--note TEXT] | stock issue NUMBER SERIAL | stock damage SERIAL --note REASON | stock return SERIAL|FIRST..LAST... [--file FILE] --note TEXT",
	  "本受理点的空白 KEY 库存（需 --user）：台账、入库（序列号段或扫描清单）、发放给申请单、登记损坏、退回中心（审核员）" },
	{ "bench", cmd_bench, "bench [--applications N] [--seed S] [--out FILE.json] [--keep DIR] [--only FIGURE]",
	  "生成测试数据库并测量各项性能指标" },
};
#define NSUB (sizeof subcommands / sizeof subcommands[0])

static void usage(FILE *out)
{
	fprintf(out,
		"用法：certdesk [选项] [子命令 [参数]]\n"
		"\n"
		"数字证书受理台。不带子命令时打开全屏界面。\n"
		"\n"
		"选项：\n"
		"  --data DIR     数据目录（默认：$CERTDESK_DATA，或 $XDG_DATA_HOME/certdesk，\n"
		"                 或 ~/.local/share/certdesk）\n"
		"  --user NAME    以该员工身份执行会修改数据的子命令\n"
		"  -h, --help     显示本帮助\n"
		"  -V, --version  显示版本\n"
		"\n"
		"子命令：\n");
	for (size_t i = 0; i < NSUB; i++)
		fprintf(out, "  %s\n      %s\n", subcommands[i].usage, subcommands[i].help);
	fprintf(out, "\n环境变量：CERTDESK_DATA、CERTDESK_PASSWORD、NO_COLOR。详见 certdesk(1)。\n");
}

/* The screen needs a UTF-8 locale: take the user's, else C.UTF-8. */
static bool utf8_locale(void)
{
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	if (cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0))
		return true;
	if (setlocale(LC_ALL, "C.UTF-8")) {
		setenv("LC_ALL", "C.UTF-8", 1);
		return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool utf8 = utf8_locale();
	struct cli c;
	memset(&c, 0, sizeof c);
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			c.data = optarg;
			break;
		case 'u':
			c.user = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("certdesk %s\n", CERTDESK_VERSION);
			return EXIT_OK;
		default:
			if (optopt)
				cli_error("未知选项 -%c（用 --help 查看用法）", optopt);
			else
				cli_error("未知选项 %s（用 --help 查看用法）", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	int rc;
	if (optind >= argc) {
		if (!utf8) {
			cli_error("全屏界面需要 UTF-8 字符环境，而本机没有 C.UTF-8。"
				  "请安装 locales 并设置 LANG=C.UTF-8。");
			return EXIT_FAIL;
		}
		if (!cli_open(&c))
			return EXIT_FAIL;
		rc = ui_run(&c.app);
	} else {
		const struct subcommand *sc = NULL;
		for (size_t i = 0; i < NSUB; i++)
			if (strcmp(argv[optind], subcommands[i].name) == 0)
				sc = &subcommands[i];
		if (!sc) {
			cli_error("未知子命令 %s（用 --help 查看用法）", argv[optind]);
			return EXIT_USAGE;
		}
		/* `certdesk SUB --help`: the subcommand's own help where it has
		 * one (sync, import), its line of the overview otherwise. */
		bool own_help = strcmp(sc->name, "sync") == 0 || strcmp(sc->name, "import") == 0;
		if (!own_help && argc - optind >= 2 &&
		    (strcmp(argv[optind + 1], "--help") == 0 || strcmp(argv[optind + 1], "-h") == 0)) {
			printf("用法：certdesk [--data DIR] [--user NAME] %s\n\n%s\n\n详见 certdesk(1)。\n",
			       sc->usage, sc->help);
			return EXIT_OK;
		}
		rc = sc->run(&c, argc - optind, argv + optind);
	}
	if (c.opened)
		app_close(&c.app);
	return rc;
}
