/* Synthetic records for the benchmark: see synth.h. */
#include "bench/synth.h"

#include <stdio.h>
#include <string.h>

/* ---- random numbers --------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

bool rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

long rng_range(struct rng *r, long lo, long hi)
{
	return lo + (long)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* ---- weighted choices ------------------------------------------------- */

struct wpick {
	const char *s;
	int w;
};

static const char *pick_w(struct rng *r, const struct wpick *t, size_t n)
{
	long total = 0;
	for (size_t i = 0; i < n; i++)
		total += t[i].w;
	long x = (long)rng_below(r, (uint32_t)total);
	for (size_t i = 0; i < n; i++) {
		if (x < t[i].w)
			return t[i].s;
		x -= t[i].w;
	}
	return t[n - 1].s;
}
#define PICK_W(r, t) pick_w(r, t, sizeof t / sizeof t[0])

/* A character from a space-free UTF-8 pool, the earlier ones likelier
 * (weight 1/(rank + 4): a few very common, a long tail). Characters are
 * 3 bytes (CJK in the BMP). */
static void pick_char(struct rng *r, const char *pool, char *out)
{
	size_t n = strlen(pool) / 3;
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += 1.0 / ((double)i + 4);
	double x = rng_unit(r) * total;
	size_t i = 0;
	for (; i + 1 < n; i++) {
		x -= 1.0 / ((double)i + 4);
		if (x < 0)
			break;
	}
	memcpy(out, pool + 3 * i, 3);
	out[3] = '\0';
}

/* Any character of the pool with the same chance. */
static void pick_char_flat(struct rng *r, const char *pool, char *out)
{
	size_t n = strlen(pool) / 3;
	memcpy(out, pool + 3 * rng_below(r, (uint32_t)n), 3);
	out[3] = '\0';
}

#define PICK(r, a) ((a)[rng_below(r, (uint32_t)(sizeof(a) / sizeof(a)[0]))])

/* ---- names ------------------------------------------------------------ */

/* Surnames with their share of the population in 1/10,000 (2020 census,
 * rounded); together about 86% of people, the rest spread in the tail. */
static const struct wpick surnames[] = {
	{ "王", 747 }, { "李", 720 }, { "张", 676 }, { "刘", 538 }, { "陈", 461 }, { "杨", 322 },
	{ "黄", 245 }, { "赵", 219 }, { "吴", 208 }, { "周", 205 }, { "徐", 167 }, { "孙", 154 },
	{ "马", 146 }, { "朱", 139 }, { "胡", 131 }, { "郭", 120 }, { "何", 116 }, { "林", 113 },
	{ "高", 108 }, { "罗", 106 }, { "郑", 101 }, { "梁", 90 }, { "谢", 82 }, { "宋", 72 },
	{ "唐", 70 }, { "许", 67 }, { "韩", 64 }, { "冯", 63 }, { "邓", 62 }, { "曹", 61 },
	{ "彭", 59 }, { "曾", 58 }, { "肖", 56 }, { "田", 52 }, { "董", 51 }, { "袁", 50 },
	{ "潘", 49 }, { "于", 48 }, { "蒋", 47 }, { "蔡", 46 }, { "余", 45 }, { "杜", 44 },
	{ "叶", 43 }, { "程", 42 }, { "苏", 41 }, { "魏", 40 }, { "吕", 39 }, { "丁", 38 },
	{ "任", 37 }, { "沈", 36 }, { "姚", 35 }, { "卢", 34 }, { "姜", 33 }, { "崔", 32 },
	{ "钟", 32 }, { "谭", 31 }, { "陆", 30 }, { "汪", 29 }, { "范", 28 }, { "金", 27 },
	{ "石", 27 }, { "廖", 26 }, { "贾", 26 }, { "夏", 25 }, { "韦", 25 }, { "付", 24 },
	{ "方", 24 }, { "白", 23 }, { "邹", 23 }, { "孟", 22 }, { "熊", 22 }, { "秦", 21 },
	{ "邱", 21 }, { "江", 20 }, { "尹", 20 }, { "薛", 19 }, { "闫", 19 }, { "段", 18 },
	{ "雷", 18 }, { "侯", 17 }, { "龙", 17 }, { "史", 16 }, { "陶", 16 }, { "黎", 16 },
	{ "贺", 15 }, { "顾", 15 }, { "毛", 15 }, { "郝", 14 }, { "龚", 14 }, { "邵", 14 },
	{ "万", 13 }, { "钱", 13 }, { "严", 13 }, { "覃", 12 }, { "武", 12 }, { "戴", 12 },
	{ "莫", 11 }, { "孔", 11 }, { "向", 11 }, { "汤", 10 }, { "常", 10 }, { "温", 10 },
	{ "康", 9 }, { "施", 9 }, { "文", 9 }, { "牛", 9 }, { "樊", 8 }, { "葛", 8 },
	{ "邢", 8 }, { "安", 7 }, { "齐", 7 }, { "易", 7 }, { "乔", 7 }, { "伍", 7 },
	{ "庞", 6 }, { "颜", 6 }, { "倪", 6 }, { "庄", 6 }, { "聂", 6 }, { "章", 6 },
	{ "鲁", 5 }, { "岳", 5 }, { "翟", 5 }, { "殷", 5 }, { "詹", 5 }, { "申", 5 },
	{ "欧", 5 }, { "耿", 5 }, { "关", 5 }, { "兰", 4 }, { "焦", 4 }, { "俞", 4 },
	{ "左", 4 }, { "柳", 4 }, { "甘", 4 }, { "祝", 4 }, { "包", 4 }, { "宁", 4 },
	{ "尚", 3 }, { "符", 3 }, { "舒", 3 }, { "阮", 3 }, { "柯", 3 }, { "纪", 3 },
	{ "梅", 3 }, { "童", 3 }, { "凌", 3 }, { "毕", 3 }, { "单", 3 }, { "季", 3 },
	{ "裴", 2 }, { "霍", 2 }, { "涂", 2 }, { "成", 2 }, { "苗", 2 }, { "谷", 2 },
	{ "盛", 2 }, { "曲", 2 }, { "翁", 2 }, { "冉", 2 }, { "骆", 2 }, { "蓝", 2 },
	{ "路", 2 }, { "游", 2 }, { "辛", 2 }, { "靳", 2 }, { "欧阳", 2 }, { "管", 2 },
	{ "柴", 2 }, { "蒙", 2 }, { "鲍", 2 }, { "华", 2 }, { "喻", 2 }, { "祁", 2 },
	{ "司马", 1 }, { "上官", 1 }, { "诸葛", 1 }, { "司徒", 1 }, { "东方", 1 }, { "皇甫", 1 },
};

/* Given-name characters, commonest first. */
static const char male_one[] = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建亮成峰"
			       "坤锋晨江海东毅彬松琦翔智勋哲楠";
static const char female_one[] = "芳娜敏静丽艳娟霞秀燕玲丹萍红琳晶颖婷雪慧倩莉琴璐瑶怡佳欣悦洁"
				 "蕾菲薇露妮岚媛";
static const char male_first[] = "子浩宇俊志建文明晓海国家嘉伟永立思天振博梓一泽宏伟少金小德";
static const char male_second[] = "轩豪杰涛明辉强华军伟鹏宇龙飞斌峰成阳林东博然睿泽航宁平刚";
static const char female_first[] = "欣思雨佳嘉梓子晓丽美秀春玉雅诗可婉紫慧静雪海红小若";
static const char female_second[] = "涵怡萱琪婷妍娜芳丽霞玲敏颖洁雪琳悦彤欣然莹华英燕蓉";

void synth_person_name(struct rng *r, bool male, char out[32])
{
	const char *sur = PICK_W(r, surnames);
	char a[4], b[4];
	if (rng_chance(r, 0.25)) {
		pick_char(r, male ? male_one : female_one, a);
		snprintf(out, 32, "%s%s", sur, a);
		return;
	}
	pick_char(r, male ? male_first : female_first, a);
	do
		pick_char(r, male ? male_second : female_second, b);
	while (strcmp(a, b) == 0 && !rng_chance(r, 0.1)); /* 婷婷, 欢欢: a few */
	snprintf(out, 32, "%s%s%s", sur, a, b);
}

void synth_miss_name(struct rng *r, char out[8])
{
	/* Characters of no name and no enterprise this file makes. */
	static const char pool[] = "猫狗桌椅锅碗瓢盆葱蒜姜醋钉锤锯铲";
	char a[4], b[4];
	pick_char_flat(r, pool, a);
	pick_char_flat(r, pool, b);
	snprintf(out, 8, "%s%s", a, b);
}

/* ---- mobiles ---------------------------------------------------------- */

void synth_mobile(struct rng *r, char out[12])
{
	static const struct wpick seg[] = {
		{ "130", 3 }, { "131", 3 }, { "132", 3 }, { "133", 3 }, { "134", 3 }, { "135", 5 },
		{ "136", 5 }, { "137", 5 }, { "138", 6 }, { "139", 6 }, { "145", 1 }, { "147", 1 },
		{ "150", 4 }, { "151", 3 }, { "152", 3 }, { "153", 3 }, { "155", 3 }, { "156", 3 },
		{ "157", 2 }, { "158", 4 }, { "159", 4 }, { "166", 2 }, { "170", 1 }, { "173", 2 },
		{ "175", 1 }, { "176", 2 }, { "177", 2 }, { "178", 2 }, { "180", 3 }, { "181", 3 },
		{ "182", 3 }, { "183", 3 }, { "184", 1 }, { "185", 3 }, { "186", 4 }, { "187", 3 },
		{ "188", 3 }, { "189", 4 }, { "191", 1 }, { "195", 1 }, { "198", 2 }, { "199", 2 },
	};
	snprintf(out, 12, "%s%08u", PICK_W(r, seg), rng_below(r, 100000000));
}

/* ---- resident ID ------------------------------------------------------ */

char synth_id_check(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

/* Where people at a Shenzhen counter were born: Guangdong first, then the
 * provinces that send the most people to the city. Real county codes. */
static const struct wpick id_regions[] = {
	{ "440301", 30 }, { "440303", 20 }, { "440304", 25 }, { "440305", 20 }, { "440306", 20 },
	{ "440307", 20 }, { "440308", 3 }, { "440102", 8 }, { "440106", 8 }, { "440402", 4 },
	{ "440604", 5 }, { "441302", 6 }, { "445202", 8 }, { "440507", 7 }, { "441402", 7 },
	{ "440882", 5 }, { "441702", 4 }, { "441502", 6 }, { "445102", 6 }, { "440902", 5 },
	{ "430102", 6 }, { "430104", 5 }, { "430421", 6 }, { "430521", 5 }, { "431002", 5 },
	{ "430902", 5 }, { "431102", 4 }, { "450102", 5 }, { "450305", 3 }, { "450902", 5 },
	{ "450802", 4 }, { "360102", 4 }, { "360731", 5 }, { "361002", 3 }, { "420102", 4 },
	{ "420111", 3 }, { "421002", 4 }, { "421102", 3 }, { "510104", 4 }, { "510722", 3 },
	{ "511302", 3 }, { "410102", 3 }, { "411302", 3 }, { "411503", 3 }, { "500101", 3 },
	{ "350102", 3 }, { "350521", 2 }, { "110101", 2 }, { "110105", 2 }, { "310101", 2 },
	{ "310115", 2 }, { "320102", 2 }, { "330102", 2 }, { "370102", 2 }, { "340102", 2 },
	{ "130102", 1 }, { "230102", 1 }, { "610102", 2 }, { "520102", 2 }, { "530102", 1 },
	{ "460105", 2 }, { "620102", 1 }, { "220102", 1 }, { "210102", 1 }, { "140105", 1 },
};

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

void synth_id_number(struct rng *r, bool male, int year_lo, int year_hi, char out[19])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	/* Two draws averaged: ages bunch in the middle of the range. */
	int span = year_hi - year_lo;
	int y = year_lo + (int)((rng_below(r, (uint32_t)span + 1) + rng_below(r, (uint32_t)span + 1)) / 2);
	int m = (int)rng_below(r, 12) + 1;
	int dmax = mdays[m - 1] + (m == 2 && leap(y));
	int d = (int)rng_below(r, (uint32_t)dmax) + 1;
	int seq = (int)rng_below(r, 500) * 2 + (male ? 1 : 0);
	snprintf(out, 19, "%s%04d%02d%02d%03d", PICK_W(r, id_regions), y, m, d, seq);
	out[17] = synth_id_check(out);
	out[18] = '\0';
}

/* ---- unified social credit code --------------------------------------- */

static const char credit_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

char synth_credit_check(const char *s)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(credit_alphabet, s[i]) - credit_alphabet) * w[i];
	int c = 31 - sum % 31;
	return credit_alphabet[c == 31 ? 0 : c];
}

/* GB 11714 check character of the 8-character organisation code at s. */
static char org_check(const char *s)
{
	static const int w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		int v = s[i] >= 'A' ? s[i] - 'A' + 10 : s[i] - '0';
		sum += v * w[i];
	}
	int c = 11 - sum % 11;
	return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

void synth_credit_code(struct rng *r, char out[19], char kind[3])
{
	static const struct wpick kinds[] = {
		{ "91", 850 }, { "92", 90 }, { "93", 5 }, { "12", 20 }, { "52", 35 },
	};
	static const struct wpick regions[] = {
		{ "440300", 60 }, { "440303", 5 }, { "440304", 8 }, { "440305", 8 }, { "440306", 7 },
		{ "440307", 7 }, { "440309", 3 }, { "440310", 1 }, { "440311", 1 },
	};
	const char *k = PICK_W(r, kinds);
	char org[10];
	if (k[0] == '9' && rng_chance(r, 0.7)) {
		/* Organisation codes given since 2015 start with MA. */
		static const char tail[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
		memcpy(org, "MA5", 3);
		for (int i = 3; i < 8; i++)
			org[i] = tail[rng_below(r, sizeof tail - 1)];
	} else {
		snprintf(org, sizeof org, "%08u", rng_below(r, 90000000) + 10000000);
	}
	org[8] = org_check(org);
	org[9] = '\0';
	snprintf(out, 19, "%s%s%s", k, PICK_W(r, regions), org);
	out[17] = synth_credit_check(out);
	out[18] = '\0';
	memcpy(kind, k, 3);
}

/* ---- organisations ---------------------------------------------------- */

static const char brand_pool[] = "华信达鑫源盛泰恒瑞通宏创新兴联合中天安博远力金龙海德嘉美佳欣正东方宇"
				 "汇丰福祥和顺利科光明星辰锦誉腾飞领航睿智云峰凯晟昊卓越思杰益佰万亿乐品优诚承启";
static const char *const districts[] = { "福田区", "罗湖区", "南山区", "宝安区", "龙岗区", "龙华区",
					 "光明区", "坪山区", "盐田区" };

static void brand(struct rng *r, char out[16])
{
	char a[4], b[4], c[4];
	pick_char_flat(r, brand_pool, a);
	pick_char_flat(r, brand_pool, b);
	if (rng_chance(r, 0.5)) {
		pick_char_flat(r, brand_pool, c);
		snprintf(out, 16, "%s%s%s", a, b, c);
	} else {
		snprintf(out, 16, "%s%s", a, b);
	}
}

void synth_org_name(struct rng *r, const char kind[3], char out[192])
{
	static const char *const trades[] = {
		"科技", "电子科技", "信息技术", "网络科技", "智能科技", "贸易", "实业", "投资",
		"建筑工程", "装饰工程", "物流", "供应链管理", "文化传播", "餐饮管理", "医疗器械",
		"新能源", "商贸", "电子商务", "企业管理咨询", "环保科技", "生物科技", "房地产开发",
		"物业管理", "人力资源", "财务咨询", "软件", "通信技术", "光电", "精密机械", "包装材料",
		"进出口", "电子", "五金制品", "服装", "食品", "教育科技", "广告", "建材",
	};
	static const char *const shops[] = { "商行", "便利店", "餐饮店", "五金店", "服装店",
					     "电器维修部", "贸易商行", "食品店", "美容店", "文具店" };
	static const char *const public_units[] = { "公共卫生服务中心", "职业技术学校", "图书馆",
						    "文化馆", "社会福利中心", "档案馆", "实验学校",
						    "人民医院", "科技创新服务中心" };
	static const char *const social[] = { "社会工作服务中心", "培训中心", "养老院",
					      "康复中心", "职业技能培训学校", "志愿服务中心" };
	char b[16];
	brand(r, b);
	if (strcmp(kind, "92") == 0)
		snprintf(out, 192, "深圳市%s%s%s", PICK(r, districts), b, PICK(r, shops));
	else if (strcmp(kind, "93") == 0)
		snprintf(out, 192, "深圳市%s%s农业专业合作社", PICK(r, districts), b);
	else if (strcmp(kind, "12") == 0)
		snprintf(out, 192, "深圳市%s%s", PICK(r, districts), PICK(r, public_units));
	else if (strcmp(kind, "52") == 0)
		snprintf(out, 192, "深圳市%s%s", b, PICK(r, social));
	else
		snprintf(out, 192, "%s%s%s%s", rng_chance(r, 0.9) ? "深圳市" : "深圳前海", b,
			 PICK(r, trades), rng_chance(r, 0.92) ? "有限公司" : "股份有限公司");
}

/* ---- addresses, e-mail, phones, serials -------------------------------- */

void synth_address(struct rng *r, char out[192], char postal[7])
{
	static const struct {
		const char *district;
		int postal_lo, postal_hi;
		const char *roads[6];
	} d[] = {
		{ "福田区", 518000, 518048, { "深南大道", "福华三路", "益田路", "彩田路", "华强北路", "车公庙泰然九路" } },
		{ "罗湖区", 518001, 518029, { "人民南路", "深南东路", "东门中路", "宝安南路", "笋岗路", "太宁路" } },
		{ "南山区", 518052, 518067, { "科技园科苑路", "南海大道", "粤海街道高新南一道", "蛇口工业八路", "桃园路", "西丽留仙大道" } },
		{ "宝安区", 518101, 518133, { "宝安大道", "新安六路", "西乡大道", "福永街道凤凰路", "沙井街道新沙路", "松岗街道松明大道" } },
		{ "龙岗区", 518112, 518172, { "龙岗大道", "布吉街道吉华路", "坂田街道五和大道", "横岗街道力嘉路", "平湖街道平安大道", "龙城街道龙翔大道" } },
		{ "龙华区", 518109, 518131, { "民治大道", "人民路", "观澜大道", "大浪街道华荣路", "梅龙路", "东环一路" } },
	};
	static const char *const buildings[] = { "大厦", "广场", "中心", "花园", "工业园", "科技园", "商务中心", "国际公寓" };
	int i = (int)rng_below(r, sizeof d / sizeof d[0]);
	char b[16];
	brand(r, b);
	int no = (int)rng_range(r, 1, 3999);
	if (rng_chance(r, 0.6))
		snprintf(out, 192, "广东省深圳市%s%s%d号%s%s%c座%ld室", d[i].district, PICK(r, d[i].roads), no,
			 b, PICK(r, buildings), "ABCD"[rng_below(r, 4)], rng_range(r, 1, 40) * 100 + rng_range(r, 1, 20));
	else
		snprintf(out, 192, "广东省深圳市%s%s%d号%s%s%ld栋%ld", d[i].district, PICK(r, d[i].roads), no, b,
			 PICK(r, buildings), rng_range(r, 1, 20), rng_range(r, 1, 33) * 100 + rng_range(r, 1, 8));
	snprintf(postal, 7, "%06ld", rng_range(r, d[i].postal_lo, d[i].postal_hi));
}

void synth_email(struct rng *r, char out[48])
{
	static const struct wpick domains[] = {
		{ "163.com", 25 }, { "126.com", 10 }, { "foxmail.com", 8 }, { "sina.com", 5 },
		{ "139.com", 4 }, { "outlook.com", 3 }, { "hotmail.com", 2 },
	};
	if (rng_chance(r, 0.45)) {
		snprintf(out, 48, "%ld@qq.com", rng_range(r, 10000, 3999999999L));
		return;
	}
	char user[24];
	int n = (int)rng_range(r, 4, 10);
	for (int i = 0; i < n; i++)
		user[i] = (char)('a' + rng_below(r, 26));
	user[n] = '\0';
	if (rng_chance(r, 0.5))
		snprintf(out, 48, "%s%ld@%s", user, rng_range(r, 1, 2005), PICK_W(r, domains));
	else
		snprintf(out, 48, "%s@%s", user, PICK_W(r, domains));
}

void synth_org_phone(struct rng *r, char out[24])
{
	if (rng_chance(r, 0.65))
		snprintf(out, 24, "0755-%c%07u", rng_chance(r, 0.7) ? '8' : '2', rng_below(r, 10000000));
	else
		synth_mobile(r, out);
}

void synth_cert_serial(struct rng *r, char out[48])
{
	static const char hex[] = "0123456789ABCDEF";
	int n = (int)rng_range(r, 16, 20);
	for (int i = 0; i < n; i++)
		out[i] = hex[rng_below(r, 16)];
	out[n] = '\0';
}

void synth_uuid7(struct rng *r, uint64_t ms, char out[UUID_LEN + 1])
{
	unsigned char b[16];
	uint64_t x = rng_next(r), y = rng_next(r);
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	for (int i = 6; i < 16; i++)
		b[i] = (unsigned char)((i < 14 ? x >> (8 * (i - 6)) : y >> (8 * (i - 14))) & 0xFF);
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0F));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3F));
	snprintf(out, UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}
