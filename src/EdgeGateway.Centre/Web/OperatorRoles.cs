namespace EdgeGateway.Centre.Web;

/// <summary>What an operator may do on the page and API (issue 29); one account may hold several.</summary>
[Flags]
public enum OperatorRoles
{
    /// <summary>No role: no account has this (a roles field may not be empty).</summary>
    None = 0,

    /// <summary>Takes, notes and clears alarms.</summary>
    Nurse = 1,

    /// <summary>Resident records and escalation settings.</summary>
    Coordinator = 2,

    /// <summary>Gateways: the end-to-end test, configuration, the fleet.</summary>
    Technician = 4,

    /// <summary>Reads the audit log of operator actions.</summary>
    Auditor = 8,

    /// <summary>Every role: what the page may do when it runs without logins (loopback).</summary>
    All = Nurse | Coordinator | Technician | Auditor,
}
