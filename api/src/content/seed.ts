// The demo city's published guidance (§4.1.4 肺炎自查说明, 防疫宣传, 要闻播报), so the phones'
// guidance pages show something real to a visitor. Runs on the owner connection, like the other
// demo seeding; a real tenant writes its own through /api/articles.
import type pg from 'pg';
import { insertDemoArticle } from './queries.ts';

export const DEMO_ARTICLES = [
  {
    kind: 'guide',
    title: '新型冠状病毒肺炎自查指引（人民网）',
    body: '对照发热、咳嗽、乏力、气促等症状自查；出现症状请佩戴口罩，及时向社区报告，不要自行前往人员密集场所。',
    url: 'http://health.people.com.cn/',
  },
  {
    kind: 'publicity',
    title: '居家隔离观察须知',
    body: '1. 单独居住或单间居住，减少与同住人接触。\n2. 每日早晚各测一次体温，通过“隔离自查”如实上报。\n3. 不外出、不串门，生活物资由社区协助配送。\n4. 出现发热、咳嗽、乏力、气促，立即报告社区医生。',
    url: null,
  },
  {
    kind: 'news',
    title: '本市启动网格化社区疫情防控',
    body: '全市各社区按网格划分责任区，网格员入户摸排，社区医生每日上门体征检查，卡口实行电子通行证与体温检测。',
    url: null,
  },
] as const;

export async function seedDemoArticles(pool: pg.Pool, tenantId: number): Promise<void> {
  for (const a of DEMO_ARTICLES) await pool.query(insertDemoArticle(tenantId, a).toQuery());
}
