/**
 * The protobuf messages the receiver reads and writes, as .proto text parsed once by
 * protobufjs. Only what is needed, with field numbers as in the upstream files:
 * - OTLP logs, opentelemetry-proto v1 (collector/logs/v1/logs_service.proto,
 *   logs/v1/logs.proto, common/v1/common.proto, resource/v1/resource.proto) and
 *   google.rpc.Status for error bodies;
 * - Loki's push API (pkg/push/push.proto) with google.protobuf.Timestamp.
 * Enums are declared as int32 (the same varint on the wire), so unknown values decode.
 * Text, not generated code: the bundle needs no extra files and the schema reads as the spec.
 */
import protobuf from 'protobufjs';

const OTLP_LOGS = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
message ScopeLogs {
  InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
message ResourceLogs {
  Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ExportLogsPartialSuccess {
  int64 rejected_log_records = 1;
  string error_message = 2;
}
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }

message GoogleAny { string type_url = 1; bytes value = 2; }
// google.rpc.Status, the body of an OTLP error response.
message Status {
  int32 code = 1;
  string message = 2;
  repeated GoogleAny details = 3;
}
`;

const LOKI_PUSH = `
syntax = "proto3";
package logproto;

message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message LabelPairAdapter { string name = 1; string value = 2; }
message EntryAdapter {
  Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}
message StreamAdapter {
  string labels = 1;
  repeated EntryAdapter entries = 2;
  uint64 hash = 3;
}
message PushRequest { repeated StreamAdapter streams = 1; }
`;

let types: {
  otlpRequest: protobuf.Type;
  otlpResponse: protobuf.Type;
  status: protobuf.Type;
  lokiPush: protobuf.Type;
} | null = null;

/** Parsed on first use: the receiver may run without anyone sending protobuf. */
export function protoTypes(): NonNullable<typeof types> {
  if (types) return types;
  const otlp = protobuf.parse(OTLP_LOGS).root;
  const loki = protobuf.parse(LOKI_PUSH).root;
  types = {
    otlpRequest: otlp.lookupType('opentelemetry.proto.ExportLogsServiceRequest'),
    otlpResponse: otlp.lookupType('opentelemetry.proto.ExportLogsServiceResponse'),
    status: otlp.lookupType('opentelemetry.proto.Status'),
    lokiPush: loki.lookupType('logproto.PushRequest'),
  };
  return types;
}
