// The parts of DMTF Redfish resources the driver reads, as lenient zod schemas: Redfish allows null for most
// properties and services add their own, so unknown keys pass and only what the driver relies on is checked.
import { z } from 'zod';

const link = z.object({ '@odata.id': z.string() });
const text = z.string().nullish();
const count = z.number().nullish();

export const collectionSchema = z.object({
  Members: z.array(link),
  'Members@odata.nextLink': z.string().nullish(),
});

export const serviceRootSchema = z.object({
  Systems: link.nullish(),
  Chassis: link.nullish(),
  EventService: link.nullish(),
});

const status = z.object({ State: text, Health: text, HealthRollup: text }).partial().nullish();

export const systemSchema = z.object({
  '@odata.id': z.string(),
  Id: z.string(),
  Name: text,
  PowerState: text,
  Status: status,
  ProcessorSummary: z
    .object({ Count: count, CoreCount: count, LogicalProcessorCount: count, Model: text })
    .partial()
    .nullish(),
  MemorySummary: z.object({ TotalSystemMemoryGiB: count }).partial().nullish(),
  Processors: link.nullish(),
  Memory: link.nullish(),
  Storage: link.nullish(),
  SimpleStorage: link.nullish(),
  Links: z
    .object({ Chassis: z.array(link).nullish() })
    .partial()
    .nullish(),
  Actions: z
    .object({
      '#ComputerSystem.Reset': z
        .object({ target: z.string(), 'ResetType@Redfish.AllowableValues': z.array(z.string()).nullish() })
        .nullish(),
    })
    .partial()
    .nullish(),
});
export type RedfishSystem = z.infer<typeof systemSchema>;

export const processorSchema = z
  .object({
    ProcessorArchitecture: text,
    InstructionSet: text,
    ProcessorType: text,
    Model: text,
    TotalCores: count,
    TotalThreads: count,
    Status: status,
  })
  .partial();

export const memorySchema = z.object({ CapacityMiB: count, Status: status }).partial();

export const simpleStorageSchema = z
  .object({ Devices: z.array(z.object({ CapacityBytes: count, Status: status }).partial()).nullish() })
  .partial();

export const storageSchema = z.object({ Drives: z.array(link).nullish() }).partial();

export const driveSchema = z.object({ CapacityBytes: count }).partial();

export const chassisSchema = z.object({
  '@odata.id': z.string(),
  Id: z.string(),
  ChassisType: text,
  PowerState: text,
  Location: z
    .object({
      PartLocation: z
        .object({ LocationOrdinalValue: count, ServiceLabel: text, LocationType: text })
        .partial()
        .nullish(),
    })
    .partial()
    .nullish(),
  Links: z
    .object({
      ContainedBy: link.nullish(),
      ComputerSystems: z.array(link).nullish(),
      Contains: z.array(link).nullish(),
    })
    .partial()
    .nullish(),
});
export type RedfishChassis = z.infer<typeof chassisSchema>;

export const eventServiceSchema = z
  .object({
    ServiceEnabled: z.boolean().nullish(),
    ServerSentEventUri: text,
    Subscriptions: link.nullish(),
    EventTypesForSubscription: z.array(z.string()).nullish(),
  })
  .partial();

export const eventSchema = z.object({
  Id: z.unknown().optional(),
  Context: text,
  Events: z.array(
    z.object({
      EventId: text,
      EventTimestamp: text,
      MessageId: text,
      OriginOfCondition: link.nullish(),
    }),
  ),
});
