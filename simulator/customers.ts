import { amazonAccountId } from './ids';

/** An Amazon customer as a test or the demo describes one. */
export interface CustomerConfig {
  /** Display name; also how tests pick the customer ('Alice'). */
  name: string;
  email?: string;
  /** `amzn1.account.…`; generated when absent. */
  id?: string;
  postalCode?: string;
  /**
   * True when the customer may enable the skill's development stage (the developer account or an
   * added beta tester). Defaults to true.
   */
  tester?: boolean;
  /** Alexa API hosts endpoint discovery returns for this customer; defaults to the simulator's list. */
  endpoints?: string[];
  /** Locale of this customer's Echo device. Defaults to en-US. */
  locale?: string;
}

/** A customer the simulated Amazon knows. */
export interface Customer {
  id: string;
  name: string;
  email: string;
  postalCode: string | undefined;
  tester: boolean;
  endpoints: string[] | undefined;
  locale: string;
}

/** What the signed-in customer answers on a consent screen. */
export type ConsentDecision = 'allow' | 'deny';

/**
 * Amazon's customers and which one is signed in to the simulated Amazon web pages and Alexa app
 * (so a test chooses who consents). The first customer is signed in at start.
 */
export class Customers {
  private readonly byId = new Map<string, Customer>();
  private signedIn: Customer;
  private decision: ConsentDecision = 'allow';

  constructor(configs: CustomerConfig[]) {
    const list = configs.length > 0 ? configs : [{ name: 'Alex Customer', email: 'alex@example.com' }];
    for (const config of list) this.add(config);
    this.signedIn = this.byId.values().next().value as Customer;
  }

  /** Adds a customer (ids and names must be unique); returns it. */
  add(config: CustomerConfig): Customer {
    const customer: Customer = {
      id: config.id ?? amazonAccountId(),
      name: config.name,
      email: config.email ?? `${config.name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com`,
      postalCode: config.postalCode,
      tester: config.tester ?? true,
      endpoints: config.endpoints,
      locale: config.locale ?? 'en-US',
    };
    if (this.byId.has(customer.id) || this.findByName(customer.name)) throw new Error(`duplicate Amazon customer ${customer.name} (${customer.id})`);
    this.byId.set(customer.id, customer);
    return customer;
  }

  /** The customer with this id or name; throws when there is none (a test typo should fail loudly). */
  get(idOrName: string): Customer {
    const customer = this.byId.get(idOrName) ?? this.findByName(idOrName);
    if (!customer) throw new Error(`no Amazon customer "${idOrName}" in the simulator`);
    return customer;
  }

  /** The customer with this id, or undefined. */
  find(id: string): Customer | undefined {
    return this.byId.get(id);
  }

  /** Every customer. */
  all(): Customer[] {
    return [...this.byId.values()];
  }

  /** Signs a customer in to the simulated Amazon web and Alexa app; later consents are theirs. */
  signIn(idOrName: string): Customer {
    this.signedIn = this.get(idOrName);
    return this.signedIn;
  }

  /** The signed-in customer. */
  current(): Customer {
    return this.signedIn;
  }

  /** What the customer answers on the next consent screens ('allow' unless told otherwise). */
  setDecision(decision: ConsentDecision): void {
    this.decision = decision;
  }

  /** The consent decision in force. */
  consentDecision(): ConsentDecision {
    return this.decision;
  }

  private findByName(name: string): Customer | undefined {
    return [...this.byId.values()].find((customer) => customer.name.toLowerCase() === name.toLowerCase());
  }
}
