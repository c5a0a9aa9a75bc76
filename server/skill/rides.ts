import { createHash } from 'node:crypto';

/**
 * The demo's service area, as Amazon's fictional Ride Hailer would have it: city names as Alexa
 * resolves them in the published locales, compared without case or Latin accents.
 */
const SERVICE_AREA = [
  'seattle', 'new york', 'san francisco', 'chicago', 'boston', 'los angeles', 'austin', 'miami', 'houston',
  'toronto', 'montreal', 'vancouver', 'london', 'manchester', 'edinburgh', 'sydney', 'melbourne', 'brisbane',
  'mumbai', 'delhi', 'new delhi', 'bangalore', 'bengaluru', 'मुंबई', 'दिल्ली', 'बेंगलुरु',
  'berlin', 'munich', 'munchen', 'hamburg', 'cologne', 'koln', 'frankfurt', 'frankfurt am main', 'vienna', 'wien',
  'paris', 'lyon', 'marseille', 'madrid', 'barcelona', 'valencia', 'mexico city', 'ciudad de mexico', 'guadalajara',
  'rome', 'roma', 'milan', 'milano', 'amsterdam', 'rotterdam', 'utrecht', 'sao paulo', 'rio de janeiro',
  'tokyo', '東京', 'osaka', '大阪', 'riyadh', 'الرياض', 'jeddah', 'جدة', 'dubai', 'دبي',
];

/** Compares city names the way a listener would: case, Latin accents and extra spaces do not matter. */
export function normaliseCity(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Where the demo operates and how far away the nearest car is. */
export class RideCatalogue {
  private readonly cities: Set<string>;

  constructor(cities: readonly string[] = SERVICE_AREA) {
    this.cities = new Set(cities.map(normaliseCity));
  }

  /** True when rides can be ordered in the city. */
  operatesIn(city: string): boolean {
    return this.cities.has(normaliseCity(city));
  }

  /**
   * A stable pickup estimate between 3 and 9 minutes for a place or rider (stable so a user asking
   * twice hears the same answer; the range keeps every locale's plural form correct).
   */
  etaMinutes(seed: string): number {
    const digest = createHash('sha256').update(normaliseCity(seed)).digest();
    return 3 + ((digest[0] ?? 0) % 7);
  }
}
